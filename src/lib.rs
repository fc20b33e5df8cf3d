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

pub(crate) mod attachment;
pub mod build;
pub(crate) mod calendar;
pub mod check;
pub mod claims;
pub mod collection;
pub mod config;
pub(crate) mod data;
pub(crate) mod date;
pub mod diagnostic;
pub(crate) mod front_check;
pub mod front_matter;
pub(crate) mod html;
pub(crate) mod image_probe;
pub(crate) mod image_settings;
pub(crate) mod images;
pub mod live;
pub(crate) mod load;
pub mod markdown;
pub(crate) mod minify;
pub mod model;
pub mod new;
pub mod output;
pub(crate) mod parse;
pub mod publish;
pub(crate) mod relocate;
pub(crate) mod render;
pub mod sanitize;
pub mod schedule;
pub(crate) mod search;
pub mod serve;
pub mod shortcode;
pub mod slug;
pub(crate) mod timings;
pub(crate) mod trust;
pub(crate) mod urls;
pub(crate) mod view;
pub(crate) mod yaml;
