import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DISPOSITION_CODE_MAX_LENGTH, NOTE_MAX_LENGTH, STANDARD_RESPONSE_PLACEHOLDERS } from '@perch/interactions';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_OPTIONS } from '../gateway.constants';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';

export class DesktopConfigDto {
  @ApiProperty({ example: 30000, description: "The router's wrap-up after done (ms; ROUTER_WRAP_UP_MS); 0: none" })
  wrapUpMs!: number;

  @ApiProperty({ example: NOTE_MAX_LENGTH, description: 'A note on done at most this long' })
  noteMaxLength!: number;

  @ApiProperty({ example: DISPOSITION_CODE_MAX_LENGTH })
  dispositionMaxLength!: number;

  @ApiProperty({ example: [...STANDARD_RESPONSE_PLACEHOLDERS], type: [String], description: 'What standard responses may use, as {{name}}' })
  placeholders!: string[];

  @ApiProperty({ example: false, description: 'Attachments (media) are neither shown nor sent' })
  attachmentsSupported!: boolean;
}

@ApiTags('config')
@GatewayController()
@SignedIn()
@Controller('api/config')
export class DesktopConfigController {
  private readonly config: DesktopConfigDto;

  constructor(@Inject(GATEWAY_OPTIONS) options: Pick<GatewayOptions, 'wrapUpMs'>) {
    this.config = {
      wrapUpMs: options.wrapUpMs ?? 0,
      noteMaxLength: NOTE_MAX_LENGTH,
      dispositionMaxLength: DISPOSITION_CODE_MAX_LENGTH,
      placeholders: [...STANDARD_RESPONSE_PLACEHOLDERS],
      attachmentsSupported: false,
    };
  }

  @Get()
  @ApiOperation({ summary: "What the desktop needs to know of the configuration: the wrap-up's time, the note's and disposition's limits, the placeholders" })
  @ApiOkResponse({ type: DesktopConfigDto })
  get(): DesktopConfigDto {
    return this.config;
  }
}
