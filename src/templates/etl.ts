/**
 * `etl`: extract (check the input files are there), transform with a `data_processor`
 * (a JavaScript processor, inline, that merges JSON files into one), load (copy the
 * result to its destination).
 * @module
 */
import { slug, type Template } from "./template.ts";

/**
 * The transform's processor: merges every input file (a JSON array or one object each)
 * into one array, tagging each record with the file it came from. Inline, so the
 * generated workflow runs as it is; move it to a file (`script:`) as it grows.
 */
const TRANSFORM = `const { readFileSync, writeFileSync } = require("node:fs");
const { basename } = require("node:path");

const files = process.env.WEFT_INPUT_FILES.split("\\n").filter(Boolean);
const records = [];
for (const file of files) {
  const data = JSON.parse(readFileSync(file, "utf8"));
  for (const record of Array.isArray(data) ? data : [data]) {
    records.push({ ...record, source: basename(file) });
  }
}
writeFileSync(process.env.WEFT_OUTPUT_FILE, JSON.stringify(records, null, 2) + "\\n");
console.log(\`merged \${records.length} records from \${files.length} files\`);
`;

/** The `etl` template. */
export const etl: Template = {
  id: "etl",
  summary: "extract, transform (data_processor merging JSON files), load the result",
  build(name) {
    const out = slug(name);
    return {
      workflow: {
        name,
        version: "1.0.0",
        description: "Extract, transform and load: merge the JSON files in data/ into one",
        params: {
          destination: {
            default: "./warehouse",
            description: "the folder the result is loaded into",
          },
        },
        timeout: "1h",
        tasks: [
          {
            id: "extract",
            name: "Check the input",
            command: "ls -l data/*.json",
          },
          {
            id: "transform",
            name: "Merge the records",
            type: "data_processor",
            depends_on: ["extract"],
            input: { type: "file", path: "data/*.json" },
            processor: { type: "javascript", code: TRANSFORM },
            output: { type: "file", path: `processed/${out}.json` },
            timeout: "30m",
          },
          {
            id: "load",
            name: "Load the result",
            depends_on: ["transform"],
            // set -e: a cp that fails fails the task, not only its last line's echo.
            command: [
              "set -e",
              "mkdir -p ${params.destination}",
              "cp ${tasks.transform.outputs.output_file} ${params.destination}/",
              'echo "loaded ${tasks.transform.outputs.input_count} files into ${params.destination}"',
            ].join("\n") + "\n",
          },
        ],
      },
      notes: [
        {
          path: [],
          text: "Extract, transform, load. Put JSON files in data/ (beside this file);\n" +
            "the transform merges their records into processed/" + out + ".json,\n" +
            "and load copies that to the destination folder.",
        },
        { path: ["tasks", 0], text: "Fails early, with the folder named, when there is no input." },
        {
          path: ["tasks", 1],
          text: "data_processor: the files the input glob matches (relative to this file) go to\n" +
            "the processor as arguments and in $WEFT_INPUT_FILES; it writes its result to\n" +
            "$WEFT_OUTPUT_FILE, which weft moves to output.path only when it succeeds.\n" +
            "Use `script: scripts/transform.js` instead of `code` for a processor in a file.",
        },
        {
          path: ["tasks", 2],
          text: "Reads the transform's outputs: output_file and input_count.",
        },
      ],
    };
  },
};
