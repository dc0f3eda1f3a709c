// A button that opens the browser's print dialog: shown only where a script can open it, so
// without JavaScript the page's hint to use the browser's print command is what remains.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
