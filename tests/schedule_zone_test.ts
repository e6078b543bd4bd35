/**
 * src/schedule/zone.ts hostZone(): the zone a schedule without `tz` uses, read in a
 * fresh process per TZ (the zone is fixed at start-up). An empty TZ, which ICU names
 * "Etc/Unknown" and Intl then refuses, and a TZ no zone database knows are UTC.
 */
import assert from "node:assert/strict";

async function hostZoneWith(tz: string): Promise<string> {
  const module = new URL("../src/schedule/zone.ts", import.meta.url).href;
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const { hostZone } = await import(${JSON.stringify(module)});
      const zone = hostZone();
      new Intl.DateTimeFormat("en", { timeZone: zone }); // a zone Intl accepts
      console.log(zone);`,
    ],
    env: { TZ: tz },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  return new TextDecoder().decode(r.stdout).trim();
}

Deno.test("hostZone: the TZ's IANA name, else UTC (empty or unknown TZ)", async () => {
  assert.equal(await hostZoneWith("Europe/Paris"), "Europe/Paris");
  assert.equal(await hostZoneWith(""), "UTC");
  assert.equal(await hostZoneWith("Nowhere/Bogus"), "UTC");
});
