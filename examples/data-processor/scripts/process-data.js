// A Node-style script: CommonJS require of node: built-ins, process.argv and process.env.
// weft passes the matched input files as arguments (and in WEFT_INPUT_FILES) and the
// path to write in WEFT_OUTPUT_FILE; it moves that file to `output.path` on success.
const fs = require("node:fs");
const path = require("node:path");

const inputs = process.argv.slice(2);
const orders = [];
for (const file of inputs) {
  for (const order of JSON.parse(fs.readFileSync(file, "utf8"))) {
    orders.push({ ...order, source: path.basename(file, ".json") });
  }
}
const total = orders.reduce((sum, order) => sum + order.amount, 0);
fs.writeFileSync(
  process.env.WEFT_OUTPUT_FILE,
  JSON.stringify({ files: inputs.length, count: orders.length, total, orders }, null, 2) + "\n",
);
console.log(`processed ${orders.length} orders from ${inputs.length} files, total ${total}`);
