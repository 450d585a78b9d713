// ESLint (flat config): typescript-eslint's recommended and type-checked rules; Prettier owns the layout (npm run lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'scratch/**', 'test/fixtures/**', 'training/build/**', '**/*.js', '**/*.cjs', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // onnx-buf types a TensorProto's dataType and dataLocation as numbers (the proto's int32) and compares them with
      // its own enums; this rule would flag every such comparison.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Interface implementations (an explainer, a stub, a deserializer) return promises without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // `_name` marks a binding kept on purpose (a destructured field left out, an unused parameter of an interface).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      // Tests read JSON the code under test wrote and drive pages through untyped handles; asserting on those values
      // is the point, so the any-tracking rules would only add casts.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Messages of failed assertions print arrays and unknown values as they are.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowArray: true, allowNumber: true, allowBoolean: true, allowNullish: true }],
      // Tests destructure their helpers' functions (`const { file } = tempFiles(...)`), which use no `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
