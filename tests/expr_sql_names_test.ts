/**
 * src/expr/sql_names.ts: names folded as PostgreSQL folds them ("4.1.1 Identifiers and
 * Key Words"): unquoted to lower case, quoted kept as written with `""` as `"`, U&"…"
 * with its escapes (and a UESCAPE character) decoded; type names part by part.
 */
import assert from "node:assert/strict";
import { foldName, foldTypeName, nameAt, nameBefore, typeKey } from "../src/expr/sql_names.ts";

Deno.test("foldName: unquoted folds to lower case, quoted is kept, U& is decoded", () => {
  assert.equal(foldName("JSONB"), "jsonb");
  assert.equal(foldName('"jsonb"'), "jsonb");
  assert.equal(foldName('"JSONB"'), "JSONB");
  assert.equal(foldName('"a""b"'), 'a"b');
  assert.equal(foldName('U&"\\006Asonb"'), "jsonb");
  assert.equal(foldName('u&"j\\+00006Bx"'), "jkx");
  assert.equal(foldName("U&\"!006Asonb\" UESCAPE '!'"), "jsonb");
  assert.equal(foldName('U&"a\\\\b"'), "a\\b");
});

Deno.test("nameBefore and nameAt: the last name before a bracket, the first of a text", () => {
  assert.deepEqual(nameBefore('SELECT pg_catalog."jsonb" '), { name: "jsonb", at: 18 });
  assert.deepEqual(nameBefore("SELECT Query_To_Xml"), { name: "query_to_xml", at: 7 });
  assert.deepEqual(nameBefore("SELECT U&\"!0071uery_to_xml\" UESCAPE '!'"), {
    name: "query_to_xml",
    at: 7,
  });
  assert.equal(nameBefore("SELECT 1 + "), undefined);
  assert.equal(nameBefore("SELECT 'a' "), undefined);
  assert.deepEqual(nameAt('"Path" => x'), { name: "Path", length: 6 });
  assert.deepEqual(nameAt("PATH => x"), { name: "path", length: 4 });
});

Deno.test("foldTypeName: each part of a qualified type name folded, modifiers kept", () => {
  assert.equal(foldTypeName('pg_catalog . "jsonb"'), "pg_catalog.jsonb");
  assert.equal(foldTypeName('"_text"[]'), "_text[]");
  assert.equal(foldTypeName("VARCHAR(10)"), "varchar(10)");
  assert.equal(foldTypeName('"Text"'), "Text");
  assert.equal(foldTypeName('"pg_catalog"."TSQUERY"'), "pg_catalog.TSQUERY");
});

Deno.test("typeKey: folded, without pg_catalog, blanks outside quotes squeezed", () => {
  assert.equal(typeKey("TEXT"), "text");
  assert.equal(typeKey('"text"'), "text");
  assert.equal(typeKey('PG_CATALOG . "text"'), "text");
  assert.equal(typeKey('"pg_catalog"."tsquery"'), "tsquery");
  assert.equal(typeKey("DOUBLE   PRECISION"), "double precision");
  assert.equal(typeKey("Character  Varying(10)"), "character varying(10)");
  assert.equal(typeKey('U&"\\0074ext"'), "text");
  assert.equal(typeKey("int ARRAY"), "int array");
  // A quoted name keeps its case and its blanks; another schema is kept.
  assert.equal(typeKey('"Text"'), "Text");
  assert.equal(typeKey('"PG_CATALOG".text'), "PG_CATALOG.text");
  assert.equal(typeKey('"a  b"'), "a  b");
  assert.equal(typeKey("myschema.regconfig"), "myschema.regconfig");
});
