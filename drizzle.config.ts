import { defineConfig } from 'drizzle-kit';

// Schema lives beside each module; migrations are committed SQL, applied by `saas-cli db migrate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/*/*.tables.ts',
  out: './migrations',
  casing: 'snake_case',
});
