// Click-to-load videos: nothing is requested from the video host until the
// reader asks for it. Without JavaScript the link opens the video's page.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a.video-frame[data-embed]");
  if (!link) return;
  event.preventDefault();
  var frame = document.createElement("iframe");
  frame.src = link.getAttribute("data-embed");
  frame.title = link.getAttribute("data-title") || "";
  frame.allow = "autoplay; fullscreen; picture-in-picture";
  frame.setAttribute("allowfullscreen", "");
  frame.className = "video-player";
  link.replaceWith(frame);
  frame.focus();
});

// The header's menu opens without JavaScript (a <details>); with it, Escape
// or a click elsewhere closes it, as readers expect of a menu over the page.
document.addEventListener("keydown", function (event) {
  var menu = document.querySelector(".site-header details.menu[open]");
  if (!menu || event.key !== "Escape") return;
  menu.open = false;
  menu.querySelector("summary").focus();
});
document.addEventListener("click", function (event) {
  var menu = document.querySelector(".site-header details.menu[open]");
  if (menu && !menu.contains(event.target)) menu.open = false;
});
