// The program inside the docker-build example's image. `--check` prints one line and
// exits (the smoke test); otherwise it serves that line over HTTP on port 8080.
const line = `${process.env.GREETING ?? "hello"} (NODE_ENV=${process.env.NODE_ENV})`;
if (process.argv.includes("--check")) {
  console.log(line);
} else {
  require("node:http").createServer((_, res) => res.end(line + "\n")).listen(8080);
}
