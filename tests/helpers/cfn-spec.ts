/**
 * Checks a CloudFormation template against the CloudFormation resource
 * specification, as AWS publishes it and the CDK ships it weekly in
 * `@aws-cdk/aws-service-spec`: every resource type exists, every property
 * (at any depth) is one the type has, required ones are there, values have
 * the right shape, and every Ref, GetAtt and ${…} in a Fn::Sub names a
 * resource (and attribute) the template has. A misspelt property fails here,
 * not halfway through a deploy.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

interface SpecType {
  type: string;
  reference?: { $ref: string };
  element?: SpecType;
  types?: SpecType[];
}

interface SpecProperty {
  type: SpecType;
  required?: boolean;
  previousTypes?: SpecType[];
}

interface SpecShape {
  $id: string;
  cloudFormationType?: string;
  properties: Record<string, SpecProperty>;
  attributes?: Record<string, unknown>;
}

export interface Spec {
  resources: Map<string, SpecShape>;
  types: Map<string, SpecShape>;
}

export const loadSpec = (): Spec => {
  const file = createRequire(import.meta.url).resolve('@aws-cdk/aws-service-spec/db.json.gz');
  const db = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  const resources = Object.values(db.schema.resource.entities as Record<string, SpecShape>);
  const types = Object.values(db.schema.typeDefinition.entities as Record<string, SpecShape>);
  return {
    resources: new Map(resources.map((resource) => [resource.cloudFormationType!, resource])),
    types: new Map(types.map((type) => [type.$id, type])),
  };
};

const RESOURCE_KEYS = ['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'UpdatePolicy', 'CreationPolicy'];
const DELETION_POLICIES = ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'];
const UPDATE_REPLACE_POLICIES = ['Delete', 'Retain', 'Snapshot'];
const PSEUDO_PARAMETERS = ['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix'];

const isIntrinsic = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
};

const describe = (value: unknown): string => (Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`);

export const specProblems = (template: any, spec: Spec): string[] => {
  const problems: string[] = [];
  const resources: Record<string, any> = template.Resources;
  const parameters = Object.keys(template.Parameters ?? {});

  const checkReference = (name: string, attribute: string | undefined, path: string) => {
    if (attribute === undefined && (PSEUDO_PARAMETERS.includes(name) || parameters.includes(name))) return;
    const target = resources[name];
    if (target === undefined) {
      problems.push(`${path}: refers to ${name}, which the template does not have`);
      return;
    }
    if (attribute !== undefined && !Object.hasOwn(spec.resources.get(target.Type)?.attributes ?? {}, attribute)) {
      problems.push(`${path}: ${target.Type} has no attribute ${attribute}`);
    }
  };

  /** Ref, GetAtt and Fn::Sub targets anywhere in a value. */
  const checkIntrinsics = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => checkIntrinsics(item, `${path}[${index}]`));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') checkReference(object.Ref, undefined, path);
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt)) checkReference(String(getAtt[0]), String(getAtt[1]), path);
    const sub = object['Fn::Sub'];
    const subText = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
    const subVariables = Array.isArray(sub) ? Object.keys(sub[1] ?? {}) : [];
    for (const [, expression] of String(subText ?? '').matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const [name, ...attribute] = expression!.split('.');
      if (!subVariables.includes(name!)) checkReference(name!, attribute.length > 0 ? attribute.join('.') : undefined, path);
    }
    for (const [key, item] of Object.entries(object)) checkIntrinsics(item, `${path}.${key}`);
  };

  /** Problems of one value against one spec type, without recording them (unions try each type). */
  const valueProblems = (value: unknown, type: SpecType, path: string): string[] => {
    if (isIntrinsic(value)) return [];
    switch (type.type) {
      case 'json':
        return [];
      case 'string':
      case 'date-time':
        return typeof value === 'string' || typeof value === 'number' ? [] : [`${path}: expected a string, got ${describe(value)}`];
      case 'integer':
      case 'number':
        return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
          ? []
          : [`${path}: expected a number, got ${describe(value)}`];
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : [`${path}: expected a boolean, got ${describe(value)}`];
      case 'tag':
        return shapeProblems(value, { $id: 'tag', properties: { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } } }, path);
      case 'array':
        return Array.isArray(value)
          ? value.flatMap((item, index) => valueProblems(item, type.element!, `${path}[${index}]`))
          : [`${path}: expected an array, got ${describe(value)}`];
      case 'map':
        return typeof value === 'object' && value !== null && !Array.isArray(value)
          ? Object.entries(value).flatMap(([key, item]) => valueProblems(item, type.element!, `${path}.${key}`))
          : [`${path}: expected a map, got ${describe(value)}`];
      case 'ref': {
        const shape = spec.types.get(type.reference!.$ref);
        return shape === undefined ? [`${path}: the specification lacks type ${type.reference!.$ref}`] : shapeProblems(value, shape, path);
      }
      case 'union': {
        const attempts = type.types!.map((option) => valueProblems(value, option, path));
        return attempts.some((attempt) => attempt.length === 0) ? [] : attempts[0]!;
      }
      default:
        return [`${path}: the specification has a type this check does not know (${type.type})`];
    }
  };

  const shapeProblems = (value: unknown, shape: SpecShape, path: string): string[] => {
    if (isIntrinsic(value)) return [];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object, got ${describe(value)}`];
    const found: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const property = shape.properties[key];
      if (property === undefined) {
        found.push(`${path}.${key}: no such property`);
        continue;
      }
      const current = valueProblems(item, property.type, `${path}.${key}`);
      const accepted = current.length === 0 || (property.previousTypes ?? []).some((old) => valueProblems(item, old, `${path}.${key}`).length === 0);
      if (!accepted) found.push(...current);
    }
    for (const [key, property] of Object.entries(shape.properties)) {
      if (property.required && !Object.hasOwn(value, key)) found.push(`${path}.${key}: required, missing`);
    }
    return found;
  };

  for (const [logicalId, resource] of Object.entries(resources)) {
    const resourceSpec = spec.resources.get(resource.Type);
    if (resourceSpec === undefined) {
      problems.push(`${logicalId}: unknown resource type ${resource.Type}`);
      continue;
    }
    for (const key of Object.keys(resource)) if (!RESOURCE_KEYS.includes(key)) problems.push(`${logicalId}.${key}: not a resource attribute`);
    if (resource.DeletionPolicy !== undefined && !DELETION_POLICIES.includes(resource.DeletionPolicy)) {
      problems.push(`${logicalId}.DeletionPolicy: ${resource.DeletionPolicy} is not a deletion policy`);
    }
    if (resource.UpdateReplacePolicy !== undefined && !UPDATE_REPLACE_POLICIES.includes(resource.UpdateReplacePolicy)) {
      problems.push(`${logicalId}.UpdateReplacePolicy: ${resource.UpdateReplacePolicy} is not an update-replace policy`);
    }
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (resources[dependency] === undefined) problems.push(`${logicalId}.DependsOn: ${dependency} is not in the template`);
    }
    problems.push(...shapeProblems(resource.Properties ?? {}, resourceSpec, `${logicalId}.Properties`));
    checkIntrinsics(resource.Properties, `${logicalId}.Properties`);
  }
  checkIntrinsics(template.Outputs, 'Outputs');
  return problems;
};
