import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AgentDirectory, type AgentProfile, AuthErrorCode, type UserAccount } from '@perch/agents';
import { ConflictError, NotFoundError, ValidationFailedError } from '@perch/platform';

import { Audited } from '../audit/audited.decorator';
import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_AGENTS, GATEWAY_OPTIONS } from '../gateway.constants';
import { CurrentAgent } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { RequireRole } from '../http/roles.guard';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto, UserAccountDto } from './users.dto';

// Guards run controller-first in decorator order from the bottom: signed in, then the role.
@ApiTags('admin')
@GatewayController()
@RequireRole('admin')
@SignedIn()
@Controller('api/admin/users')
export class UsersController {
  private readonly skillCatalog: readonly string[] | undefined;

  constructor(
    @Inject(GATEWAY_AGENTS) private readonly directory: AgentDirectory,
    @Inject(GATEWAY_OPTIONS) options: Pick<GatewayOptions, 'skillCatalog'>,
  ) {
    this.skillCatalog = options.skillCatalog;
  }

  @Get()
  @ApiOperation({ summary: 'Every user (agents, supervisors, admins), disabled ones too; admins only' })
  @ApiOkResponse({ type: [UserAccountDto] })
  list(): Promise<UserAccount[]> {
    return this.directory.listUsers();
  }

  @Post()
  @Audited('user-create', { keep: ['id', 'role', 'brands', 'capacity'] })
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a user who may sign in at once (the password is hashed with scrypt; never stored or logged plain)' })
  @ApiCreatedResponse({ type: UserAccountDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming the fields' })
  @ApiConflictResponse({ description: 'user-exists: the id is taken (compared case-insensitively)' })
  create(@Body() body: CreateUserDto): Promise<UserAccount> {
    this.checkSkills(body.skills);
    return this.directory.createUser({
      id: body.id,
      password: body.password,
      displayName: body.displayName?.trim() ?? body.id,
      role: body.role ?? 'agent',
      brands: body.brands ?? [],
      skills: body.skills ?? [],
      capacity: body.capacity ?? 1,
    });
  }

  @Patch(':userId')
  @Audited('user-update', { keep: ['displayName', 'role', 'brands', 'skills', 'capacity', 'disabled'] })
  @ApiOperation({ summary: 'Change a user: name, role, brands, skills, capacity, or disable (ends their sessions now) / enable' })
  @ApiOkResponse({ type: UserAccountDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming the fields (an empty body too)' })
  @ApiNotFoundResponse({ description: 'unknown-user' })
  @ApiConflictResponse({ description: 'own-account: an admin may not disable or demote themselves' })
  async update(@CurrentAgent() admin: AgentProfile, @Param('userId') userId: string, @Body() body: UpdateUserDto): Promise<UserAccount> {
    const patch = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as UpdateUserDto;
    if (Object.keys(patch).length === 0) {
      throw new ValidationFailedError('Nothing to change', [
        { field: '(body)', messages: ['give at least one of displayName, role, brands, skills, capacity, disabled'] },
      ]);
    }
    this.checkSkills(patch.skills);
    if (userId === admin.id && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin'))) {
      throw new ConflictError<AuthErrorCode>('You may not disable or demote your own account; another admin can', AuthErrorCode.OwnAccount);
    }
    return found(
      await this.directory.updateUser(userId, { ...patch, ...(patch.displayName === undefined ? {} : { displayName: patch.displayName.trim() }) }),
      userId,
    );
  }

  @Put(':userId/password')
  @Audited('user-password-reset')
  @ApiOperation({ summary: "Set a user's password; every session they have open ends now" })
  @ApiOkResponse({ type: UserAccountDto })
  @ApiBadRequestResponse({ description: 'validation-failed: password must be 8-200 characters' })
  @ApiNotFoundResponse({ description: 'unknown-user' })
  async resetPassword(@Param('userId') userId: string, @Body() body: ResetPasswordDto): Promise<UserAccount> {
    return found(await this.directory.updateUser(userId, { password: body.password }), userId);
  }

  /** With a skill catalog, every skill's name must be in it (the router refuses any other at presence). */
  private checkSkills(skills: readonly string[] | undefined): void {
    const catalog = this.skillCatalog;
    if (catalog === undefined || skills === undefined) return;
    const unknown = skills.filter((skill) => !catalog.includes(skill.split('=')[0] ?? skill));
    if (unknown.length > 0) {
      throw new ValidationFailedError('Unknown skills', [
        { field: 'skills', messages: [`${unknown.map((skill) => `"${skill}"`).join(', ')} not in the skill catalog (ROUTER_SKILLS: ${catalog.join(', ')})`] },
      ]);
    }
  }
}

function found(account: UserAccount | undefined, userId: string): UserAccount {
  if (!account) throw new NotFoundError<AuthErrorCode>(`No user ${userId}`, AuthErrorCode.UnknownUser);
  return account;
}
