// A Node-style JavaScript task, run by weft's own runtime (no node or deno needed).
// `require`, `process`, `params`, `env` and `setOutput` are provided by weft.
const { readFileSync } = require("node:fs");

const [file] = process.argv.slice(2);
const words = readFileSync(file, "utf8").split(/\s+/).filter(Boolean);
const longest = words.reduce((a, b) => (b.length > a.length ? b : a), "");
console.log(`${words.length} words in ${file}; the longest is "${longest}"`);
setOutput("words", words.length);
setOutput("longest", longest);
// A value with line breaks is written in the heredoc form weft reads back.
setOutput("first_lines", readFileSync(file, "utf8").split("\n").slice(0, 2).join("\n"));
