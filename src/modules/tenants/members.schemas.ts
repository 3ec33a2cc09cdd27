import Type from 'typebox';
import { MEMBER_ROLES } from '../access/index.js';

export const MemberSchema = Type.Object(
  {
    user_id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    email: Type.String(),
    role: Type.String({ description: `One of: ${MEMBER_ROLES.join(', ')}` }),
    joined_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'WorkspaceMember' },
);

/** Any string: an id that is not a member's (a uuid or not) is the same 404. */
export const MemberIdParams = Type.Object({ userId: Type.String({ maxLength: 100 }) });

/** The role is checked by the service, so an unknown one gets a clear 422 that lists the roles. */
export const ChangeRoleBody = Type.Object(
  { role: Type.String({ maxLength: 50, description: `The new role, one of: ${MEMBER_ROLES.join(', ')}. Nobody gives a role above their own.` }) },
  { additionalProperties: false },
);
