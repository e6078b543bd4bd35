/**
 * `ci-cd`: lint and tests in parallel, a Docker image build, then a deploy to each
 * environment in turn (a `loop` that stops at the first failure). Answers to
 * `weft run` and to a webhook (`/trigger/<name>`, served by `weft daemon --listen`).
 * @module
 */
import { slug, type Template } from "./template.ts";

/** The `ci-cd` template. */
export const ciCd: Template = {
  id: "ci-cd",
  summary: "lint and tests in parallel, build a Docker image, deploy to staging then production",
  build(name) {
    const image = slug(name);
    return {
      workflow: {
        name,
        version: "1.0.0",
        description: "Continuous integration and delivery: check, build an image, deploy it",
        trigger: { type: "manual|webhook", config: { webhook: `/trigger/${image}` } },
        params: {
          image: { default: image, description: "the image name (add your registry in front)" },
          tag: { default: "latest", description: "the image tag to build and deploy" },
        },
        environment: { CI: "true" },
        timeout: "1h",
        tasks: [
          {
            id: "checks",
            name: "Lint and test",
            type: "parallel",
            wait_for: "all",
            timeout: "30m",
            tasks: [
              { id: "lint", command: "npm run lint" },
              { id: "unit-tests", command: "npm run test:unit" },
              { id: "integration-tests", command: "npm run test:integration" },
            ],
          },
          {
            id: "image",
            name: "Build the image",
            type: "docker",
            depends_on: ["checks"],
            timeout: "20m",
            config: {
              dockerfile: "Dockerfile",
              context: ".",
              tags: ["${params.image}:${params.tag}"],
              build_args: { NODE_ENV: "production" },
            },
          },
          {
            id: "deploy",
            name: "Deploy to each environment",
            type: "loop",
            depends_on: ["image"],
            items: ["staging", "production"],
            parallel: false,
            stop_on_failure: true,
            task: {
              type: "shell",
              command: "npm run deploy -- --env ${item} --image ${params.image}:${params.tag}",
              timeout: "10m",
            },
          },
        ],
      },
      notes: [
        {
          path: [],
          text: "Continuous integration and delivery: lint and tests run at once, then a\n" +
            "Docker image is built and deployed to staging, then production.",
        },
        {
          path: ["trigger"],
          text: "Run by hand, or by `weft daemon --listen 127.0.0.1:8080` on a POST to this path.",
        },
        { path: ["params"], text: "Set with -p tag=1.4.2 -p image=registry.example.com/app." },
        { path: ["timeout"], text: "A limit on the whole run." },
        {
          path: ["tasks", 0],
          text:
            "A parallel task starts its children at once; wait_for: all needs every one to pass.",
        },
        {
          path: ["tasks", 1],
          text:
            "Builds the Dockerfile in this folder; add `push: true` under config to push the tag.",
        },
        {
          path: ["tasks", 2],
          text: "One deploy per item, in order (${item} is the environment); a failed deploy\n" +
            "stops the loop, so production is never reached after a failed staging deploy.",
        },
      ],
    };
  },
};
