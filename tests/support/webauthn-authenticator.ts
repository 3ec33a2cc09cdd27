/**
 * A software WebAuthn authenticator for tests over HTTP: P-256 keys (ES256) from node:crypto,
 * attestation "none", discoverable credentials. It answers the options JSON our server sends the
 * way a browser plus an authenticator would, and can be told to get things wrong on purpose
 * (another origin or RP ID, another key, a lower counter, no user verification, a stale challenge).
 */
import crypto from 'node:crypto';

// ---- A tiny CBOR encoder: what attestation objects and COSE keys need (ints, bytes, text, maps).

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(length, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(length, 1);
  return b;
}

export function encodeCbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(encodeCbor(k), encodeCbor(v));
  return Buffer.concat(parts);
}

// ---- The authenticator

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => crypto.createHash('sha256').update(data).digest();

interface StoredCredential {
  id: Buffer;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  rpId: string;
  userHandle: string;
  signCount: number;
}

/** What to get wrong on purpose. */
export interface Tweaks {
  /** clientDataJSON.origin (default: the authenticator's origin). */
  origin?: string;
  /** The RP ID hashed into authenticatorData (default: the options' RP ID). */
  rpId?: string;
  /** The challenge signed (default: the options' challenge). */
  challenge?: string;
  /** Leave the user-verified flag off. */
  noUserVerification?: boolean;
  /** Sign with a key that is not the credential's. */
  otherKey?: boolean;
  /** Use this signature counter instead of the next one. */
  counter?: number;
  /** Assert with this credential (base64url id) rather than the first one the options allow. */
  credentialId?: string;
}

export interface RegistrationOptionsJson {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: { id: string }[];
}

export interface AuthenticationOptionsJson {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
  userVerification?: string;
}

export class SoftAuthenticator {
  readonly credentials: StoredCredential[] = [];

  /**
   * `origin`: the page the browser is on. `counts`: a signature counter that goes up with each use
   * (false: always 0, like many synced passkeys). `backedUp`: report the credential as synced.
   */
  constructor(
    readonly origin: string,
    readonly options: { counts?: boolean; backedUp?: boolean } = {},
  ) {}

  private authenticatorData(rpId: string, flags: number, signCount: number, attested?: { credentialId: Buffer; cosePublicKey: Buffer }): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(signCount >>> 0, 0);
    const parts: Buffer[] = [sha256(rpId), Buffer.from([flags]), count];
    if (attested) {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(attested.credentialId.length, 0);
      parts.push(Buffer.alloc(16), length, attested.credentialId, attested.cosePublicKey);
    }
    return Buffer.concat(parts);
  }

  private flags(tweaks: Tweaks, extra = 0): number {
    let flags = FLAG_UP | extra;
    if (!tweaks.noUserVerification) flags |= FLAG_UV;
    if (this.options.backedUp) flags |= FLAG_BE | FLAG_BS;
    return flags;
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, tweaks: Tweaks): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge: tweaks.challenge ?? challenge, origin: tweaks.origin ?? this.origin, crossOrigin: false }), 'utf8');
  }

  /** navigator.credentials.create(): a new key pair, returned as RegistrationResponseJSON. */
  create(options: RegistrationOptionsJson, tweaks: Tweaks = {}) {
    const rpId = tweaks.rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    const existing = this.credentials.find((c) => excluded.has(b64url(c.id)));
    if (existing) throw Object.assign(new Error('The authenticator already holds a credential for this account'), { name: 'InvalidStateError' });
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cosePublicKey = encodeCbor(
      new Map<number, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const credentialId = crypto.randomBytes(32);
    const signCount = this.options.counts === false ? 0 : 1;
    const authData = this.authenticatorData(rpId, this.flags(tweaks, FLAG_AT), signCount, { credentialId, cosePublicKey });
    const attestationObject = encodeCbor(new Map<string, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    this.credentials.push({ id: credentialId, privateKey, publicKey, rpId, userHandle: options.user.id, signCount });
    return {
      id: b64url(credentialId),
      rawId: b64url(credentialId),
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, tweaks)), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get(): an assertion signed over authenticatorData || SHA-256(clientDataJSON). */
  get(options: AuthenticationOptionsJson, tweaks: Tweaks = {}) {
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential = tweaks.credentialId
      ? this.credentials.find((c) => b64url(c.id) === tweaks.credentialId)
      : allowed.size
        ? this.credentials.find((c) => allowed.has(b64url(c.id)))
        : this.credentials[this.credentials.length - 1];
    if (!credential) throw Object.assign(new Error('No credential for these options'), { name: 'NotAllowedError' });
    if (tweaks.counter === undefined && this.options.counts !== false) credential.signCount += 1;
    const signCount = tweaks.counter ?? (this.options.counts === false ? 0 : credential.signCount);
    const authData = this.authenticatorData(tweaks.rpId ?? options.rpId ?? credential.rpId, this.flags(tweaks), signCount);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, tweaks);
    const key = tweaks.otherKey ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : credential.privateKey;
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), key);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: credential.userHandle },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
