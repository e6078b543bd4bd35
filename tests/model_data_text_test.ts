/**
 * model/data_text.ts: a reason embedded in another keeps its marks, and an unmarked one
 * is still masked whole (embedding never unmasks); data quoted cut (quoteCut) is masked
 * whole before it is cut, so no start of a long secret is shown.
 */
import assert from "node:assert/strict";
import {
  cutText,
  embeddedMessage,
  ownText,
  quoteCut,
  quoteData,
  resolveQuoted,
} from "../src/model/data_text.ts";

const mask = (text: string) => text.replaceAll("code", "***");

Deno.test("embeddedMessage keeps a marked reason's words and masks its quoted data", () => {
  const inner = `exited with code 3 running ${quoteData("echo code")}`;
  const outer = ownText("2 of 2 iterations failed; first: each[a]: ") + embeddedMessage(inner);
  assert.equal(
    resolveQuoted(outer, mask),
    "2 of 2 iterations failed; first: each[a]: exited with code 3 running echo ***",
  );
  assert.equal(
    resolveQuoted(ownText("x: ") + embeddedMessage(ownText("code 1")), mask),
    "x: code 1",
  );
});

Deno.test("embeddedMessage masks an unmarked reason whole, as it would be alone", () => {
  const outer = ownText("first: ") + embeddedMessage("the code was code");
  assert.equal(resolveQuoted(outer, mask), "first: the *** was ***");
});

// quoteCut: data a message quotes only in part is masked whole, then cut.
const SECRET = "Zq7" + "k".repeat(87) + "Wx93Lm2Pq5"; // 100 characters
const maskSecret = (text: string) => text.replaceAll(SECRET, "***");

/** Every 10-character piece of SECRET found in `text`. */
function piecesIn(text: string): string[] {
  const found = [];
  for (let i = 0; i + 10 <= SECRET.length; i++) {
    if (text.includes(SECRET.slice(i, i + 10))) found.push(SECRET.slice(i, i + 10));
  }
  return found;
}

Deno.test("quoteCut: a secret longer than the cut is masked whole, not shown by its start", () => {
  const message = `value ${quoteCut(SECRET, 60, { json: true })} cannot be used as the host`;
  assert.equal(resolveQuoted(message, maskSecret), `value "***" cannot be used as the host`);
  // Without secrets it reads as the cut made before masking always did.
  assert.equal(
    resolveQuoted(message),
    `value ${JSON.stringify(SECRET.slice(0, 60))} cannot be used as the host`,
  );
});

Deno.test("quoteCut: a cut falling inside a secret leaves no part of it", () => {
  for (const before of [1, 20, 59]) {
    const value = "a".repeat(before) + SECRET + "tail";
    const shown = resolveQuoted(quoteCut(value, 60, { json: true, ellipsis: true }), maskSecret);
    assert.deepEqual(piecesIn(shown), [], shown);
    const masked = "a".repeat(before) + "***tail";
    const cut = masked.length > 60 ? masked.slice(0, 60) + "…" : masked;
    assert.equal(shown, JSON.stringify(cut));
    assert.equal(
      resolveQuoted(quoteCut(value, 60, { json: true, ellipsis: true })),
      JSON.stringify(value.slice(0, 60) + "…"),
    );
  }
});

Deno.test("quoteCut: a secret beginning exactly at the cut is left out, then cut", () => {
  const value = "b".repeat(60) + SECRET;
  assert.equal(
    resolveQuoted(quoteCut(value, 60, { json: true }), maskSecret),
    `"${"b".repeat(60)}"`,
  );
  assert.equal(
    resolveQuoted(quoteCut(value, 60, { ellipsis: true }), maskSecret),
    "b".repeat(60) + "…",
  );
  // A cut falling inside the mask itself shows only part of `***`, never the secret.
  assert.equal(
    resolveQuoted(quoteCut("c".repeat(59) + SECRET, 60), maskSecret),
    "c".repeat(59) + "*",
  );
});

Deno.test("quoteCut: the forms read as the cuts they replace", () => {
  const body = `  busy\n\n${"x ".repeat(150)}  `;
  assert.equal(
    cutText(body, 200, { squash: true }),
    body.trim().replace(/\s+/g, " ").slice(0, 200),
  );
  assert.equal(cutText("short", 80, { json: true, ellipsis: true }), `"short"`);
  assert.equal(cutText("y".repeat(300), 200, { ellipsis: true }), "y".repeat(200) + "…");
  // A multi-line secret is masked before the white space is squashed.
  const key = "-----BEGIN KEY-----\nAAAA\nBBBB\n-----END KEY-----";
  const shown = resolveQuoted(
    quoteCut(`denied:\n${key}\n`, 200, { squash: true }),
    (t) => t.replaceAll(key, "***"),
  );
  assert.equal(shown, "denied: ***");
});

Deno.test("quoteCut: quoted again whole (a reason inside a reason), it is still masked first", () => {
  const inner = `value ${quoteCut(SECRET, 40, { json: true })} is not an integer`;
  const outer = ownText("url: ") + quoteData(inner) + ownText(" (hint)");
  assert.equal(resolveQuoted(outer, maskSecret), `url: value "***" is not an integer (hint)`);
  assert.equal(resolveQuoted(embeddedMessage(inner), maskSecret), `value "***" is not an integer`);
  assert.equal(
    resolveQuoted(outer),
    `url: value ${JSON.stringify(SECRET.slice(0, 40))} is not an integer (hint)`,
  );
  // Marks inside the data cannot end its span early or open another.
  const forged = resolveQuoted(quoteCut(`\uE001${SECRET}\uE0035\uE000x`, 10), maskSecret);
  assert.deepEqual(piecesIn(forged), []);
});
