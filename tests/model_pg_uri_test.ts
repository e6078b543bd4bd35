/**
 * libpq's URI rules (src/model/pg_uri.ts): decoding, sockets, host lists, key words that
 * override the URI's parts, values checked, and refusals that never show the password.
 */
import assert from "node:assert/strict";
import { parsePgUri, PgUriError } from "../src/model/pg_uri.ts";
import { hidePassword, keyWordTrouble, writtenKeyWords } from "../src/model/pg_key_words.ts";
import { connectionSecrets } from "../src/model/connection.ts";

/** The PgUriError parsePgUri throws for `text` (the test fails if it throws none or another). */
function refusalOf(text: string): PgUriError {
  try {
    parsePgUri(text);
  } catch (e) {
    assert.ok(e instanceof PgUriError, `${text}: ${e}`);
    return e;
  }
  assert.fail(`${text} was not refused`);
}

Deno.test("parsePgUri: parts percent-decoded, + kept, the socket folder both ways", () => {
  assert.deepEqual(parsePgUri("postgresql://a%40b:p%2Bw+d@db.local:5433/my%2Fdb"), {
    hosts: [{ host: "db.local", port: 5433 }],
    user: "a@b",
    password: "p+w+d",
    database: "my/db",
  });
  assert.deepEqual(parsePgUri("postgresql://app@%2Ftmp%2Fpg:55432/app").hosts, [
    { host: "/tmp/pg", port: 55432 },
  ]);
  const query = parsePgUri("postgresql:///app?host=/tmp/pg&port=55432&user=u&password=p%26q");
  assert.deepEqual(query, {
    hosts: [{ host: "/tmp/pg", port: 55432 }],
    database: "app",
    user: "u",
    password: "p&q",
  });
});

Deno.test("parsePgUri: host lists pair with ports; IPv6 in brackets; key words override", () => {
  assert.deepEqual(parsePgUri("postgres://h1:1,[::1]:2,h3/db").hosts, [
    { host: "h1", port: 1 },
    { host: "::1", port: 2 },
    { host: "h3", port: 5432 },
  ]);
  assert.deepEqual(parsePgUri("postgres://x/db?host=a,b&port=7").hosts, [
    { host: "a", port: 7 },
    { host: "b", port: 7 },
  ]);
  const over = parsePgUri("postgres://u:p@h/db?user=v&dbname=other&password=q");
  assert.deepEqual([over.user, over.database, over.password], ["v", "other", "q"]);
  assert.throws(() => parsePgUri("postgres://x/db?host=a,b,c&port=1,2"), /3 hosts/);
});

Deno.test("parsePgUri: sslmode, ssl=true, connect_timeout, options and names", () => {
  const s = parsePgUri(
    "postgres://h/db?sslmode=verify-full&connect_timeout=1&options=-c%20a%3Db" +
      "&application_name=x&target_session_attrs=read-only&client_encoding=UTF8",
  );
  assert.equal(s.sslmode, "verify-full");
  assert.equal(s.connectTimeout, 2); // libpq's minimum
  assert.equal(s.options, "-c a=b");
  assert.equal(s.applicationName, "x");
  assert.equal(s.targetSessionAttrs, "read-only");
  assert.equal(parsePgUri("postgres://h/db?sslmode=disable&ssl=true").sslmode, "require");
  assert.equal(parsePgUri("postgres://h/db?connect_timeout=0").connectTimeout, 0);
  assert.equal(
    parsePgUri("postgres://h/db?target_session_attrs=any").targetSessionAttrs,
    undefined,
  );
});

Deno.test("parsePgUri: a socket among TCP hosts and load_balance_hosts, as libpq takes them", () => {
  // libpq tries a socket folder in its place in the list like any host (§34.1.1.3).
  assert.deepEqual(parsePgUri("postgres://u@%2Ftmp%2Fpg:5433,h2:5434/db").hosts, [
    { host: "/tmp/pg", port: 5433 },
    { host: "h2", port: 5434 },
  ]);
  assert.equal(parsePgUri("postgres://h/db?load_balance_hosts=random").loadBalance, true);
  assert.equal(parsePgUri("postgres://h/db?load_balance_hosts=disable").loadBalance, undefined);
});

Deno.test("parsePgUri: refusals name the place and never the password", () => {
  const refused = (text: string, message: RegExp, offset: number) => {
    const error = refusalOf(text);
    assert.match(error.message, message);
    assert.equal(error.offset, offset, error.message);
    assert.ok(!error.message.includes("sekrit"), error.message);
  };
  refused("postgres://u:sekrit@h/db?search_path=x", /"search_path" is not a libpq/, 25);
  refused("postgres://u:sekrit@h/db?hostaddr=1.2.3.4", /"hostaddr" is libpq's/, 25);
  refused("postgres://u:sekrit@h/db?sslmode=allow", /sslmode=allow/, 25);
  refused("postgres://u:sekrit@h/db?sslmode=on", /sslmode "on" is not libpq's/, 25);
  refused("postgres://u:sekrit@h/db?client_encoding=LATIN1", /UTF-8/, 25);
  refused("postgres://u:sekrit@h/db?connect_timeout=5s", /whole number/, 25);
  refused("postgres://u@h/db?password=sekrit=1", /"password=" is not one KEY=VALUE/, 18);
  refused("postgres://u:sek%zzrit@h/db", /the password .* %XX/, 13);
  refused("postgres://u:sekrit@h:0/db", /port "0"/, 20);
  refused(
    "postgres://u:sekrit@h/db?load_balance_hosts=always",
    /load_balance_hosts "always" is not libpq's/,
    25,
  );
  refused("postgres://u:sekrit@/db", /names no host/, 0);
  refused("postgres://u:sekrit@[::1/db", /IPv6/, 20);
  refused("postgres://u:sekrit@db host/db", /"db host" is not a host name/, 20);
  // Key words honoured for the values that ask for what the driver does anyway.
  refused("postgres://u:sekrit@h/db?gssencmode=require", /gssencmode="require"/, 25);
  refused("postgres://u:sekrit@h/db?channel_binding=require", /channel_binding=/, 25);
  refused("postgres://u:sekrit@h/db?keepalives=0", /keepalives="0"/, 25);
  refused("postgres://u:sekrit@h/db?sslmode=verify-ca&sslrootcert=/ca.pem", /sslrootcert/, 43);
});

Deno.test("parsePgUri: a password with a raw / ? # or & is refused quoting none of it", () => {
  // Each would be misread by libpq's rules: part of the password as a port, a host, a
  // database or a parameter, which a message would then quote.
  const shapes = [
    ["postgres://u:Xq7/Lp+9wZ@h:5432/db", 13],
    ["postgres://u:[Xq7/Lp@h/db", 13],
    ["postgres://u:Xq7#L/p@h/db", 13],
    ["postgres://u:Xq7,L/p@h/db", 13],
    ["postgres://u:pw?x@h:5432/db", 13],
    ["postgres://u:12345/abc@h:5432/db", 13],
    ["postgres://:Xq7/Lp@h/db", 12],
    // An @ in the password too (verifier vround2 F4): libpq would look up `zz9` as the host.
    ["postgres://u:Xq7@zz9/Lp@h:5432/db", 13],
    ["postgres://u:Xq7@zz9?Lp@h:5432/db", 13],
  ] as const;
  for (const [text, offset] of shapes) {
    const error = refusalOf(text);
    assert.match(error.message, /password seems to hold a raw \/, \?, # or @/, text);
    assert.match(error.hint, /%2F.*%3F.*%23/);
    assert.equal(error.offset, offset, text);
    for (const part of ["Xq7", "Lp", "pw", "12345", "abc", "zz9"]) {
      assert.ok(!error.message.includes(part), `${text}: ${error.message}`);
    }
    // The stretch that may hold the password is a secret, should anything show it.
    assert.ok(connectionSecrets(text).some((s) => s.includes(text.slice(offset, offset + 3))));
  }
  const error = refusalOf("postgres://u@h/db?password=ab&cd&sslmode=disable");
  assert.match(error.message, /password seems to hold a raw & \(or the parameter/);
  assert.ok(!error.message.includes("cd"), error.message);
  // An @ in a parameter's value after a host:port is not a password's.
  assert.equal(parsePgUri("postgres://h:5432/db?user=me@srv").user, "me@srv");
  assert.deepEqual(connectionSecrets("postgres://h:5432/db?user=me@srv"), []);
});

Deno.test("parsePgUri: what psql takes and the driver does anyway is accepted", () => {
  const ok = parsePgUri(
    "postgres://u:p@h/db?sslmode=disable&gssencmode=disable&channel_binding=prefer" +
      "&keepalives=1&client_encoding=auto&sslrootcert=/etc/ssl/ca.pem&",
  );
  assert.equal(ok.sslmode, "disable");
  assert.equal(
    parsePgUri("postgres://u:p@h/db?gssencmode=prefer&channel_binding=disable").database,
    "db",
  );
  assert.equal(keyWordTrouble("gssencmode"), undefined, "a value not known yet is checked later");
});

Deno.test("hidePassword, keyWordTrouble and writtenKeyWords", () => {
  assert.equal(
    hidePassword("postgres://u:p@ss@h/db?password=x&a=b"),
    "postgres://u@h/db?password=***&a=b",
  );
  assert.equal(keyWordTrouble("sslmode"), undefined);
  assert.match(keyWordTrouble("passfile")!.hint, /\$\{env\.DB_PASSWORD\}/);
  assert.deepEqual(writtenKeyWords("postgres://h/db?a=1&bb=2"), [
    { key: "a", offset: 16, value: "1" },
    { key: "bb", offset: 20, value: "2" },
  ]);
  assert.deepEqual(writtenKeyWords("sqlite:x?a=1"), []);
});
