import Type from 'typebox';

export const TenantSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    subdomain: Type.String(),
    plan: Type.String(),
    status: Type.String(),
    url: Type.String({ description: 'Where the workspace lives' }),
    role: Type.Optional(Type.String({ description: "The caller's role in it" })),
  },
  { $id: 'Tenant' },
);

export const CreateTenantBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    subdomain: Type.String({ minLength: 1, maxLength: 63 }),
    plan: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
