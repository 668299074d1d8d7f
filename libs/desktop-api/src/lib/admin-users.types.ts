import type { AgentProfile, AgentRole } from './rest.types';

// Admins' user management (GET/POST /api/admin/users, PATCH /api/admin/users/:id, PUT /api/admin/users/:id/password),
// as the gateway's users controller answers them; the admin pages of the SPA read these.

/** A user as admins see it (never the password hash): the profile, whether they may sign in, and when it changed. */
export interface UserAccountView extends AgentProfile {
  disabled: boolean;
  /** ms since epoch. */
  createdAt: number;
  updatedAt: number;
}

/** POST /api/admin/users. */
export interface CreateUserRequest {
  id: string;
  password: string;
  displayName?: string;
  role?: AgentRole;
  brands?: string[];
  skills?: string[];
  capacity?: number;
}

/** PATCH /api/admin/users/:id: any of these. */
export interface UpdateUserRequest {
  displayName?: string;
  role?: AgentRole;
  brands?: string[];
  skills?: string[];
  capacity?: number;
  disabled?: boolean;
}

/** PUT /api/admin/users/:id/password. */
export interface ResetPasswordRequest {
  password: string;
}
