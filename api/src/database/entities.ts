import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { SessionEntity } from '../auth/session.entity';
import { UserEntity } from '../auth/user.entity';
import { ContactEntity } from '../contacts/contact.entity';
import { EventEntity } from '../contacts/event.entity';
import { FlowEntity, FlowVersionEntity } from '../flows/flow.entity';
import { JourneyLogEntity } from '../journeys/journey-log.entity';
import { JourneyEntity } from '../journeys/journey.entity';
import { MessageEntity } from '../messages/message.entity';
import { WorkspaceSettingsEntity } from '../settings/workspace-settings.entity';

export const entities = [
  AuditEntryEntity,
  ApiKeyEntity,
  SessionEntity,
  UserEntity,
  ContactEntity,
  EventEntity,
  FlowEntity,
  FlowVersionEntity,
  JourneyEntity,
  JourneyLogEntity,
  MessageEntity,
  WorkspaceSettingsEntity,
];
