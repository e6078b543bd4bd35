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

Deno.test("readHostZone: TZ read as glibc reads it (tzset(3)), one function for add, daemon and self-check", async () => {
  const { readHostZone } = await import("../src/schedule/zone.ts");
  assert.deepEqual(readHostZone(""), { zone: "UTC" });
  assert.deepEqual(readHostZone(":Europe/Berlin"), { zone: "Europe/Berlin" });
  assert.deepEqual(readHostZone("Europe/Berlin"), { zone: "Europe/Berlin" });
  assert.deepEqual(readHostZone("UTC0"), { zone: "UTC" });
  if (await Deno.stat("/usr/share/zoneinfo/Europe/Berlin").then(() => true, () => false)) {
    assert.deepEqual(readHostZone("/usr/share/zoneinfo/Europe/Berlin"), { zone: "Europe/Berlin" });
    assert.deepEqual(readHostZone(":/usr/share/zoneinfo/posix/Europe/Berlin"), {
      zone: "Europe/Berlin",
    });
  }
  for (const tz of ["CET-1CEST,M3.5.0,M10.5.0/3", "UTC+3", "/tmp/nowhere", "Nowhere/Bogus"]) {
    const read = readHostZone(tz);
    assert.equal(read.zone, null, tz);
    assert.match(read.why!, /names no time zone weft can use/);
  }
});
