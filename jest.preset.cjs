// Shared Jest settings: TypeScript is compiled by swc (type checking is the `typecheck` target's job).
// Unit tests (the `test` target, cached): everything named *.test.ts outside e2e/ folders,
// given precise inputs (fixtures, stand-ins in-process), no servers of their own but loopback fakes.
// Not e2e-engine/ either: the container engine suites (infra:e2e-engine).
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/e2e/', '/e2e-engine/'],
};
