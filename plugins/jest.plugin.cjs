// Jest for the panel plugins: jsdom, TSX through swc, and the ESM-only packages Grafana's
// modules pull in (d3's .mjs, …) transformed too.
const ESM_PACKAGES = [
  'd3',
  'd3-.*',
  'internmap',
  'delaunator',
  'robust-predicates',
  'ol',
  'uuid',
  'marked',
  'react-colorful',
  '@react-hookz',
  'rbush',
  'quickselect',
  'react-calendar',
  'get-user-locale',
  'memoize',
  'mimic-function',
  '@wojtekmaj/date-utils',
  'i18next',
];

module.exports = (displayName) => ({
  displayName,
  testEnvironment: 'jsdom',
  transform: {
    '^.+\\.(t|j)sx?$|^.+\\.mjs$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          target: 'es2022',
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  testMatch: ['<rootDir>/test/**/*.test.ts?(x)'],
  setupFiles: [require.resolve('./jest.setup.cjs')],
  // Stylesheets and images Grafana's UI kit imports mean nothing to jsdom.
  moduleNameMapper: { '\\.(css|scss|svg|png)$': require.resolve('./jest.style-stub.cjs') },
});
