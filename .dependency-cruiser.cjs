// The import rules of ARCHITECTURE.md, checked by `npm test` (scripts/check-imports.mjs) with
// dependency-cruiser: an arrow that points up a floor, or a cycle, fails the suite.
// Test files and test helpers may reach test support (server/testing, bench, scripts); production
// code may not.

const TEST = "(\\.test\\.ts|\\.test-helper\\.ts|/test-pair\\.ts)$";

/** A production file of this folder may not import from those. */
function forbid(name, comment, from, to, extra = {}) {
  return { name, comment, severity: "error", from: { path: from, pathNot: TEST, ...extra.from }, to: { path: to, ...extra.to } };
}

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "No import cycles: each part reads from the ones below it only.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    forbid(
      "production-not-to-test-support",
      "Test support (harnesses, fuzz, benchmarks) is for tests only.",
      "^(server/(?!testing/)|app/|components/|contracts/)",
      "^(server/testing/|bench/|scripts/)|" + TEST,
    ),
    forbid("bottom-imports-nothing", "server/errors.ts and server/paths.ts are the bottom floor.", "^server/(errors|paths)\\.ts$", "^(server|app|components|contracts)/"),
    forbid(
      "contracts-are-plain",
      "contracts/ (what the browser shares with the server) imports only contracts; engine data shapes as types only.",
      "^contracts/",
      "^(server|app|components)/",
      { to: { dependencyTypesNot: ["type-only"] } },
    ),
    forbid("contracts-types-from-engine-only", "contracts/ may name engine types, nothing else of the server.", "^contracts/", "^(server/(?!engine/)|app/|components/)"),
    forbid(
      "engine-is-self-contained",
      "The engine never touches the database, the console, the runner or the CLI.",
      "^server/engine/",
      "^(app|components)/|^server/(?!engine/|errors\\.ts|paths\\.ts)",
    ),
    forbid(
      "engine-names-task-states-only",
      "Of the contracts, the engine names the task states (a type), nothing else.",
      "^server/engine/",
      "^contracts/(?!task\\.types\\.ts$)",
    ),
    forbid("engine-contracts-types-only", "The engine imports no runtime code of the contracts.", "^server/engine/", "^contracts/", { to: { dependencyTypesNot: ["type-only"] } }),
    forbid("values-at-engine-bottom", "The value model is below everything else in the engine.", "^server/engine/values/", "^server/engine/(?!values/)"),
    forbid(
      "parsers-below-loader",
      "The RDB parser, RESP and the source reader do not know who consumes them.",
      "^server/engine/(rdb|resp|source)/",
      "^server/engine/(loader|writer|apply|sync|compare|precheck|keys)/",
    ),
    forbid("writer-owns-its-interface", "The writer is used by the loader and the apply rules; it imports neither.", "^server/engine/writer/", "^server/engine/(apply|sync|loader|compare|precheck)/"),
    forbid("apply-rules-below-sync", "The apply rules do not know the orchestration that runs them.", "^server/engine/(apply|commands|loader)/", "^server/engine/sync/"),
    forbid("secrets-low", "Secrets sit below the database.", "^server/secrets/", "^(app|components)/|^server/(?!secrets/|errors\\.ts|paths\\.ts)"),
    forbid(
      "db-only-data",
      "server/db reads and writes rows: no engine (except the value model and the description of an endpoint it stores: address and TLS settings), runner, console, actions or CLI.",
      "^server/db/",
      "^(app|components)/|^server/(engine/(?!values/|endpoint\\.ts$|tls\\.ts$)|runner/|tasks/|console/|actions/|cli/|auth/|start-up/)",
    ),
    forbid("auth-below-console", "Authentication knows the database, not the console.", "^server/auth/", "^(app|components)/|^server/(engine|runner|tasks|console|actions|cli)/"),
    forbid("runner-below-tasks", "The runner hosts engines; it does not call the console, actions or the CLI.", "^server/runner/", "^(app|components)/|^server/(console|actions|cli|auth|start-up)/"),
    forbid("tasks-below-console", "Task lifecycle rules are called by actions, CLI and runner; they call none of them back.", "^server/tasks/", "^(app|components)/|^server/(console|actions|cli|auth|start-up)/"),
    forbid("cli-not-console", "The CLI shares the engine, the runner and the database with the console, not its pages.", "^server/cli/", "^(app|components)/|^server/(console|actions|auth)/"),
    forbid("console-below-routes", "server/console and server/actions serve the routes; they never import them.", "^server/(console|actions|start-up)/", "^(app|components)/"),
    forbid(
      "components-use-contracts-and-actions",
      "The browser imports contracts/ and server actions only: never routes, the database or other server code.",
      "^components/",
      "^app/|^server/(?!actions/[^/]+\\.action\\.ts$)",
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|\\.cache|server/db/generated)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".mjs", ".js", ".json"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
