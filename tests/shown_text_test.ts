/** The shown form of text (engine/shown_text.ts) and masking against it (engine/secrets.ts). */
import assert from "node:assert/strict";
import { shownText } from "../src/engine/shown_text.ts";
import { Secrets } from "../src/engine/secrets.ts";

Deno.test("shownText: escape sequences and invisible characters removed, a tab read as a space, each character mapped back", () => {
  assert.equal(shownText("plain text"), null);
  assert.deepEqual(shownText("My\x1b[1mPass"), { text: "MyPass", at: [0, 1, 6, 7, 8, 9] });
  const cases: [string, string][] = [
    ["a\x1b[01;31m\x1b[Kb\x1b[m\x1b[Kc", "abc"], // grep --color=always
    ["a\x9b1mb", "ab"], // one-byte CSI
    ["a\x1b]8;;http://x\x07b\x1b]8;;\x1b\\c", "abc"], // OSC 8 hyperlink, BEL and ST ends
    ["a\x1b(Bb", "ab"], // charset selection
    ["a\u200bb\u00adc\ufeffd", "abcd"],
    ["a\tb", "a b"],
    ["ab\x1b", "ab\x1b"], // a lone ESC is no sequence: shown (escaped) as written
  ];
  for (const [text, shown] of cases) {
    const got = shownText(text)!;
    assert.equal(got.text, shown, JSON.stringify(text));
    assert.equal(got.at.length, shown.length);
    for (let i = 0; i < shown.length; i++) {
      assert.equal(text[got.at[i]], shown[i] === " " && text[got.at[i]] === "\t" ? "\t" : shown[i]);
    }
  }
});

Deno.test("Secrets.mask: a secret with colour codes, hidden characters or a tab inside is masked whole, nothing around it", () => {
  const secrets = new Secrets();
  secrets.add("MyPassw0rd99");
  secrets.add("correct horse battery");
  assert.equal(secrets.mask("tok: My\x1b[1mPass\x1b[0mw0rd99 end"), "tok: *** end");
  assert.equal(
    secrets.mask(
      "db_\x1b[01;31m\x1b[Kpass\x1b[m\x1b[Kword=My\x1b[01;31m\x1b[KPass\x1b[m\x1b[Kw0rd99",
    ),
    "db_\x1b[01;31m\x1b[Kpass\x1b[m\x1b[Kword=***",
  );
  assert.equal(secrets.mask("\x1b[32mMyPassw0rd99\x1b[0m"), "\x1b[32m***\x1b[0m");
  assert.equal(secrets.mask("My\u200bPassw0rd99"), "***");
  assert.equal(secrets.mask("correct\thorse battery!"), "***!");
  // Both kinds in one line, the written one after a tab, and the text with no secret.
  assert.equal(secrets.mask("a\tMyPassw0rd99 My\x1b[KPassw0rd99"), "a\t*** ***");
  assert.equal(secrets.mask("col\tumn \x1b[1mbold\x1b[0m"), "col\tumn \x1b[1mbold\x1b[0m");
  assert.equal(secrets.maskKeeping("x My\x1b[1mPassw0rd99"), "x ***");
});

Deno.test("Secrets.maskPiece: a secret with colour codes inside is held back whole", () => {
  const secrets = new Secrets();
  secrets.add("MyPassw0rd99");
  const text = "0123456789 My\x1b[1mPass\x1b[0mw0rd";
  // Held back: the end that begins the secret as shown, the codes inside it too; the
  // text before it is given at once.
  const { masked, rest } = secrets.maskPiece(text, false);
  assert.equal(masked + rest, text);
  assert.equal(masked, "0123456789 ");
  assert.equal(secrets.mask(rest + "99"), "***");
  // No end of the text begins a secret: nothing held back.
  assert.deepEqual(secrets.maskPiece("Enter the code: ", false), {
    masked: "Enter the code: ",
    rest: "",
  });
});
