// Small steps the flows share: reading numbers off the page, picking a tag
// in a TagPicker, waiting for a count to settle.

// "1,234 人" -> 1234
export function digits(text) {
  const m = text.replace(/[,\s]/g, "").match(/\d+/);
  return m ? Number(m[0]) : NaN;
}

// Types into the TagPicker whose data-testid is `id` and picks `tag`.
export async function pickTag(page, id, tag) {
  await page.getByTestId(id + "-input").fill(tag);
  await page.getByTestId(id + "-option-" + tag).click();
}

// Waits until the element's number equals `expected` (live counts settle
// after a debounce); returns the last number read.
export async function waitForNumber(page, testId, expected, timeout = 15_000) {
  const el = page.getByTestId(testId);
  const until = Date.now() + timeout;
  let last = NaN;
  while (Date.now() < until) {
    last = digits((await el.innerText().catch(() => "")) || "");
    if (last === expected) return last;
    await page.waitForTimeout(100);
  }
  return last;
}

// Waits until `locator` matches `n` elements; returns the last count.
export async function waitForCount(page, locator, n, timeout = 10_000) {
  const until = Date.now() + timeout;
  let last = -1;
  while (Date.now() < until) {
    last = await locator.count();
    if (last === n) return last;
    await page.waitForTimeout(100);
  }
  return last;
}
