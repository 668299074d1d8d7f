import { DistributedEnv } from '@perch/service-kit';

/** The classifier's environment; validated once at start-up. */
export class ClassifierConfig extends DistributedEnv {
  override HTTP_PORT = 3102;
}
