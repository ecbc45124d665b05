// Progressive enhancement shared by every page; each page works without it.
// - Links and buttons with data-confirm ask before acting.
// - The language switch submits itself when a language is chosen.
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  const button = select.form && select.form.querySelector("[data-autosubmit-button]");
  if (button) button.hidden = true;
  select.addEventListener("change", () => select.form && select.form.submit());
}
