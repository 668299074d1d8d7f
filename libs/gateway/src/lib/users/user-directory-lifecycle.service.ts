import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type AgentDirectory } from '@perch/agents';

import { GATEWAY_AGENTS } from '../gateway.constants';

/** Seeds and loads the users before the gateway serves anyone, and stops re-reading them on shutdown. */
@Injectable()
export class UserDirectoryLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(GATEWAY_AGENTS) private readonly directory: AgentDirectory) {}

  async onModuleInit(): Promise<void> {
    await this.directory.start();
  }

  onApplicationShutdown(): void {
    this.directory.stop();
  }
}
