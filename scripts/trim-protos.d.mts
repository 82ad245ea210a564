import type { INamespace } from 'protobufjs'

export declare function trimProtos(json: INamespace, services: string[]): INamespace
