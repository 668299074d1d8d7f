import { type AgentProfile, type UserAccount } from '@perch/agents';
import type * as Desk from '@perch/desktop-api';
import { type CaughtMail, type Contact, type ContactPage } from '@perch/contacts';
import { type ConsultationEntry, type DispositionCode, type InteractionView } from '@perch/interactions';
import { type CustomerProfile } from '@perch/outbound';

import { type CallDto, type CreateContactDto, type EmailDto, type SaveCustomerDto, type UpdateContactDto } from '../contacts/contacts.dto';
import { type CallRequested, type EmailSent, type InteractionContact } from '../contacts/customer-channels.service';
import { type HistoryPage } from '../contacts/customer-history.service';
import { type AgentPresenceDto, type CommandAcceptedDto, type PresenceDto, type RosterEntryDto } from '../agents/presence.dto';
import { type SignInDto, type SignInResponseDto } from '../auth/sign-in.dto';
import { type DesktopConfigDto } from '../desktop-config/desktop-config.controller';
import { type BrandDispositionsView } from '../dispositions/dispositions.service';
import { type CreateDispositionCodeDto, type DispositionSettingsDto, type UpdateDispositionCodeDto } from '../dispositions/dispositions.dto';
import {
  type CreateStandardResponseDto,
  type RenderedStandardResponseDto,
  type RenderStandardResponseDto,
  type StandardResponseDto,
  type UpdateStandardResponseDto,
} from '../standard-responses/standard-responses.dto';
import {
  type ClassificationCorrectionDto,
  type ConferenceInviteDto,
  type ConferenceLeaveDto,
  type ConsultationDto,
  type CorrectionAcceptedDto,
  type DirectMessageDto,
  type DoneDto,
  type NewPostDto,
  type OfferDecisionDto,
  type ReplyDto,
  type TransferDto,
} from '../interactions/interaction-requests.dto';
import { type ConsultationsPage } from '../interactions/consultations.service';
import { type AgentInteractionView } from '../interactions/interaction-conference.types';
import { type ActionAccepted } from '../interactions/outbound-actions.service';
import { type SupervisedAgentsPageDto, type SupervisorQueuesDto, type SupervisorSeriesDto, type SupervisorSignOutDto } from '../supervisor/supervisor.dto';
import { type CreateUserDto, type ResetPasswordDto, type UpdateUserDto } from '../users/users.dto';

// The REST side of @perch/desktop-api, checked against what the gateway really answers and accepts (the socket's side
// is checked where the pushes are built, since the gateway's ws-messages.types.ts is desktop-api's). A server change
// that the desktop would not understand, or a desktop request the DTOs would refuse, fails `tsc` here.

/** `true` when every `Server` value is a valid `Wire` value, else `false` (which DESKTOP_API_CHECKED refuses). */
type Fits<Server, Wire> = [Server] extends [Wire] ? true : false;

/** Answers: what the gateway returns must fit what the desktop reads. */
export type DesktopAnswersFit = [
  Fits<InteractionView, Desk.InteractionView>,
  Fits<AgentInteractionView, Desk.InteractionView>,
  Fits<ConsultationsPage, Desk.ConsultationsPage>,
  Fits<ConsultationEntry, Desk.ConsultationEntry>,
  Fits<AgentProfile, Desk.AgentProfile>,
  Fits<SignInResponseDto, Desk.SignInResponse>,
  Fits<AgentPresenceDto, Desk.AgentPresenceView>,
  Fits<RosterEntryDto, Desk.RosterEntry>,
  Fits<CommandAcceptedDto, Desk.CommandAccepted>,
  Fits<ActionAccepted, Desk.ActionAccepted>,
  Fits<CorrectionAcceptedDto, Desk.CorrectionAccepted>,
  Fits<CustomerProfile, Desk.CustomerProfile>,
  // The desk's configuration, disposition codes and standard responses.
  Fits<DesktopConfigDto, Desk.DeskConfig>,
  Fits<BrandDispositionsView, Desk.BrandDispositions>,
  Fits<DispositionCode, Desk.DispositionCode>,
  Fits<StandardResponseDto, Desk.StandardResponse>,
  Fits<RenderedStandardResponseDto, Desk.RenderedStandardResponse>,
  // The supervisor's dashboard and the admin pages.
  Fits<SupervisorQueuesDto, Desk.SupervisorQueuesView>,
  Fits<SupervisedAgentsPageDto, Desk.SupervisedAgentsPage>,
  Fits<SupervisorSeriesDto, Desk.SupervisorSeriesView>,
  Fits<SupervisorSignOutDto, Desk.SupervisorSignOutResponse>,
  Fits<UserAccount, Desk.UserAccountView>,
  // Contacts, email and call requests, the customer's history (ADR 21).
  Fits<Contact, Desk.Contact>,
  Fits<ContactPage, Desk.ContactPage>,
  Fits<InteractionContact, Desk.InteractionContact>,
  Fits<EmailSent, Desk.EmailSent>,
  Fits<CallRequested, Desk.CallRequested>,
  Fits<HistoryPage, Desk.HistoryPage>,
  Fits<HistoryPage & { customer: { xUserId: string; xHandle: string } }, Desk.InteractionHistory>,
  Fits<{ location: string; items: CaughtMail[] }, Desk.Mailbox>,
];

/** Requests: what the desktop sends must fit what the DTOs accept. */
export type DesktopRequestsFit = [
  Fits<Desk.SignInRequest, SignInDto>,
  Fits<Desk.PresenceRequest, PresenceDto>,
  Fits<Desk.OfferDecisionRequest, OfferDecisionDto>,
  Fits<Desk.ReplyRequest, ReplyDto>,
  Fits<Desk.DirectMessageRequest, DirectMessageDto>,
  Fits<Desk.DoneRequest, DoneDto>,
  Fits<Desk.TransferRequest, TransferDto>,
  Fits<Desk.ConferenceInviteRequest, ConferenceInviteDto>,
  Fits<Desk.ConferenceLeaveRequest, ConferenceLeaveDto>,
  Fits<Desk.ConsultationRequest, ConsultationDto>,
  Fits<Desk.ClassificationCorrectionRequest, ClassificationCorrectionDto>,
  Fits<Desk.NewPostRequest, NewPostDto>,
  Fits<Desk.RenderStandardResponseRequest, RenderStandardResponseDto>,
  // The supervisor's libraries: standard responses and disposition codes.
  Fits<Desk.CreateStandardResponseRequest, CreateStandardResponseDto>,
  Fits<Desk.UpdateStandardResponseRequest, UpdateStandardResponseDto>,
  Fits<Desk.CreateDispositionCodeRequest, CreateDispositionCodeDto>,
  Fits<Desk.UpdateDispositionCodeRequest, UpdateDispositionCodeDto>,
  Fits<Desk.DispositionSettingsRequest, DispositionSettingsDto>,
  Fits<Desk.CreateUserRequest, CreateUserDto>,
  Fits<Desk.UpdateUserRequest, UpdateUserDto>,
  Fits<Desk.ResetPasswordRequest, ResetPasswordDto>,
  Fits<Desk.CreateContactRequest, CreateContactDto>,
  Fits<Desk.UpdateContactRequest, UpdateContactDto>,
  Fits<Desk.SaveCustomerRequest, SaveCustomerDto>,
  Fits<Desk.EmailRequest, EmailDto>,
  Fits<Desk.CallRequest, CallDto>,
];

/** Fails to compile when an entry above is `false`. */
export type DesktopApiChecked = [DesktopAnswersFit, DesktopRequestsFit] extends [true[], true[]] ? true : never;
export const DESKTOP_API_CHECKED: DesktopApiChecked = true;
