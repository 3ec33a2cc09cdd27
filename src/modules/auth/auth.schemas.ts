import Type from 'typebox';

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    mfa_code: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'For accounts with two-factor authentication: a code from the authenticator app, or a backup code' })),
  },
  { additionalProperties: false },
);

export const TokenResponse = Type.Object({
  access_token: Type.String({ description: 'JWT (EdDSA) for `Authorization: Bearer`' }),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
  refresh_token: Type.String({ description: 'Single use: trade it at POST /auth/refresh for a new pair. Using one twice ends the session.' }),
  refresh_expires_in: Type.Integer({ description: 'Seconds until the refresh token expires if unused' }),
});

export const RefreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const JwksResponse = Type.Object({
  keys: Type.Array(Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String() })),
});
