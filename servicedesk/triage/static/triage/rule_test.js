// "Test this rule" without leaving the form: post the unsaved form, show the answer beside it.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-rule-test]");
  if (!button) return;
  event.preventDefault();
  const result = button.parentElement.querySelector("[data-rule-test-result]");
  result.textContent = "Testing…";
  const response = await fetch(button.formAction, {
    method: "POST",
    body: new FormData(button.form),
    headers: { "X-Requested-With": "fetch" },
    credentials: "same-origin",
  });
  result.innerHTML = await response.text();
});
