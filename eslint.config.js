import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.stack/', '.bench/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' }
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  {
    // What a person reads goes through a log sink (src/lib/log.ts), the one place that keeps
    // other people's text from acting as a workflow command or a terminal control.
    files: ['src/**/*.ts'],
    ignores: ['src/lib/log.ts', 'src/github/log-sink.ts', 'src/cli/main.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.object.name='process'][object.property.name=/^std(out|err)$/][property.name='write']",
          message: 'print through log (src/lib/log.ts) or the front end’s sink'
        },
        {
          selector:
            "MemberExpression[object.name='core'][property.name=/^(debug|info|notice|warning|error|setFailed|startGroup|endGroup|group)$/]",
          message: 'print through log (src/lib/log.ts); fail with fail() (src/github/log-sink.ts)'
        }
      ]
    }
  },
  {
    // The one CommonJS file: it stands in for a CommonJS package (src/lib/native-crc32.cjs).
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable' }
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
