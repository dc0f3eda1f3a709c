// Moves focus to a form's error summary after a failed submit, so that keyboard and screen-reader
// users start from the list of problems. Without JavaScript the summary is still announced
// (role="alert") and its links lead to each field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
