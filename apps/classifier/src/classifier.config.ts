import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** The classifier's environment; validated once at start-up. */
export class ClassifierConfig {
  /** Comma-separated host:port list. */
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  HTTP_PORT = 3102;

  @IsString()
  KAFKA_CLIENT_ID = 'perch-classifier';
}
