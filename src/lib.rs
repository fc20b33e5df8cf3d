//! `alumni`: the static site generator of Sorbonne Université's alumni network.
//!
//! A build is a chain of stages, each a module with one job, each a plain
//! function from data to data:
//!
//! ```text
//! load -> parse -> assemble -> markdown -> render -> write
//! walk    front    sections,   bodies to   Tera       staging folder,
//! files   matter   pages,      HTML,       over       swapped in
//!         (par.)   URLs,       links       views,     atomically;
//!                  image       (par.)      <img>      images made
//!                  headers                 rewritten  (par., cached)
//! ```
//!
//! [`build::build`] chains them. Every stage returns all the problems it
//! found as located [`diagnostic::Diagnostic`]s; the library never prints and
//! never exits, the binary does.

// First, so that every module can write messages with `tr!`.
#[macro_use]
pub mod i18n;

pub mod attachment;
pub mod build;
pub mod calendar;
pub mod check;
pub mod claims;
pub mod collection;
pub mod config;
pub mod data;
pub mod date;
pub mod diagnostic;
pub mod front_matter;
pub mod html;
pub mod images;
pub mod live;
pub mod load;
pub mod markdown;
pub mod minify;
pub mod model;
pub mod new;
pub mod output;
pub mod parse;
pub mod publish;
pub mod relocate;
pub mod render;
pub mod sanitize;
pub mod schedule;
pub mod search;
pub mod serve;
pub mod shortcode;
pub mod slug;
pub mod timings;
pub mod trust;
pub mod urls;
pub mod view;
pub mod yaml;
