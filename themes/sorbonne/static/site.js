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
