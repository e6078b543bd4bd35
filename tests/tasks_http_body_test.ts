/**
 * An http task's `data` text built for its Content-Type (src/tasks/http_body.ts): every
 * JSON-family type keeps a value inside its JSON string, XML escapes `& < > " '`, and a
 * multipart value holding CR, LF or the boundary fails the task. Through the CLI against a
 * real HTTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { escapeXml, JSON_TYPE, XML_TYPE } from "../src/tasks/http_body.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** Runs `yaml` (a workflow) with `params`; its report and the bodies the server got, by path. */
async function runAgainst(
  yaml: (url: string) => string,
  params: string[],
): Promise<
  { code: number; stderr: string; errors: Record<string, string>; bodies: Record<string, string> }
> {
  const bodies: Record<string, string> = {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    bodies[new URL(req.url).pathname.slice(1)] = await req.text();
    return new Response("ok");
  });
  try {
    const dir = testTempDir("http-body-");
    await Deno.writeTextFile(`${dir}/flow.yml`, yaml(`http://127.0.0.1:${server.addr.port}`));
    const run = await weft(
      ["run", `${dir}/flow.yml`, "--json", ...params.flatMap((p) => ["-p", p])],
      { env: { WEFT_HOME: `${dir}/home` } },
    );
    const report = JSON.parse(run.stdout);
    const errors = Object.fromEntries(
      report.tasks.map((t: { id: string; error?: string }) => [t.id, t.error ?? ""]),
    );
    return { code: run.code, stderr: run.stderr, errors, bodies };
  } finally {
    await server.shutdown();
  }
}

Deno.test("http_body: every JSON-family Content-Type is recognised; others are not", () => {
  for (
    const type of [
      "application/json",
      "text/json",
      "application/problem+json",
      "Application/JSON; charset=utf-8",
      "application/x-json",
      "application/x-ndjson",
      "application/ndjson",
      "application/jsonl",
      "application/x-jsonlines",
      "application/jsonlines",
      "application/x-ldjson",
      "application/json-seq",
      "application/geo+json-seq",
    ]
  ) assert.ok(JSON_TYPE.test(type), type);
  for (
    const type of ["text/plain", "application/jsonp", "application/javascript", "application/xml"]
  ) {
    assert.ok(!JSON_TYPE.test(type), type);
  }
  for (
    const type of [
      "application/xml",
      "text/xml; charset=utf-8",
      "application/soap+xml",
      "image/svg+xml",
    ]
  ) {
    assert.ok(XML_TYPE.test(type), type);
  }
  assert.equal(escapeXml(`a&b<c>"d'`), "a&amp;b&lt;c&gt;&quot;d&apos;");
});

Deno.test("http_body: a value stays data in JSON-family, XML and multipart bodies", async () => {
  const json = (id: string, type: string) =>
    `  - id: ${id}\n    type: http\n    url: URL/${id}\n    headers: { Content-Type: "${type}" }\n` +
    `    data: '{"name": "\${params.n}", "role": "user"}'\n`;
  const flow = (url: string) =>
    (`name: bodies
params: { n: alice, whole: "<a>&</a>" }
tasks:
` + json("xjson", "application/x-json") + json("ndjson", "application/x-ndjson") +
      json("jsonl", "application/jsonl") + json("seq", "application/json-seq") + `  - id: xml
    type: http
    url: URL/xml
    headers: { Content-Type: application/xml }
    data: "<user name='\${params.n}'><name>\${params.n}</name><role>user</role></user>"
  - id: xmlwhole
    type: http
    url: URL/xmlwhole
    headers: { Content-Type: text/xml }
    data: "\${params.whole}"
  - id: xmlraw
    type: http
    url: URL/xmlraw
    headers: { Content-Type: application/atom+xml }
    data: "<x>\${raw(params.whole)}</x>"
  - id: mp
    type: http
    url: URL/mp
    headers: { Content-Type: 'multipart/form-data; boundary="XyZ"' }
    data: "--XyZ\\r\\nContent-Disposition: form-data; name=\\"name\\"\\r\\n\\r\\n\${params.n}\\r\\n--XyZ--\\r\\n"
`).replaceAll("URL", url);

  const ok = await runAgainst(flow, []);
  assert.equal(ok.code, 0, ok.stderr);
  for (const id of ["xjson", "ndjson", "jsonl", "seq"]) {
    assert.equal(ok.bodies[id], '{"name": "alice", "role": "user"}', id);
  }
  assert.equal(ok.bodies.xmlwhole, "<a>&</a>", "a text that is one value is the body as written");
  assert.equal(ok.bodies.xmlraw, "<x><a>&</a></x>");
  assert.equal(
    ok.bodies.mp,
    '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nalice\r\n--XyZ--\r\n',
  );

  const evil = `x", "role": "admin`;
  const xmlEvil = `x'</name><role>admin</role><name a="&`;
  const bad = await runAgainst(flow, [`n=${evil}`]);
  for (const id of ["xjson", "ndjson", "jsonl", "seq"]) {
    assert.equal(bad.bodies[id], '{"name": "x\\", \\"role\\": \\"admin", "role": "user"}', id);
    assert.deepEqual(JSON.parse(bad.bodies[id]), { name: evil, role: "user" });
  }
  const xml = await runAgainst(flow, [`n=${xmlEvil}`]);
  const escaped = "x&apos;&lt;/name&gt;&lt;role&gt;admin&lt;/role&gt;&lt;name a=&quot;&amp;";
  assert.equal(
    xml.bodies.xml,
    `<user name='${escaped}'><name>${escaped}</name><role>user</role></user>`,
  );

  // A value holding the boundary, or a line break, would add a part.
  for (
    const [n, what] of [
      ["x--XyZ", /a value holds the body's boundary "XyZ" \(at character 4\)/],
      [
        'x\r\nContent-Disposition: form-data; name="role"\r\n\r\nadmin',
        /a value holds a line break \(CR or LF\) \(at character 2\)/,
      ],
    ] as const
  ) {
    const run = await runAgainst(flow, [`n=${n}`]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.errors.mp,
      new RegExp(`^data: ${what.source}, which could end its part of the multipart body`),
    );
    assert.equal(run.bodies.mp, undefined, "nothing was sent");
  }
});
