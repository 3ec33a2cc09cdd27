/**
 * Architecture rules (DESIGN.md section 4): entries -> modules -> platform, never back;
 * modules reach each other only through their index.ts; no cycles.
 */
module.exports = {
  forbidden: [
    {
      name: 'platform-imports-no-module',
      comment: 'platform/ is infrastructure: it must not depend on feature modules or entries.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules/|app\\.ts|services\\.ts|jobs\\.ts|main\\.ts|worker\\.ts|cli)' },
    },
    {
      name: 'modules-import-no-entry',
      comment: 'Modules must not import process entries or the composition of services.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/(app|services|jobs|main|worker|cli|seed)\\.ts' },
    },
    {
      name: 'module-public-face-only',
      comment: "Another module is reached only through its index.ts (tables excepted: foreign keys need them).",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/([^/]+)/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$', '^src/modules/[^/]+/[^/]+\\.tables\\.ts$'],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.tsx?$' },
  },
};
