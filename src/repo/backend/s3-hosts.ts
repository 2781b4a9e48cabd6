// The top-level "directories" under a bucket prefix, with one delimiter listing (a Class C call per
// 1000 names) instead of listing every object of every host.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Backend } from './s3.ts';

export async function listTopLevelPrefixes(s3: S3Backend): Promise<string[]> {
  const root = s3.config.prefix;
  const names: string[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.config.bucket, Prefix: root, Delimiter: '/', ContinuationToken: token }));
    } catch (error) {
      throw s3.error(error, 'list', '', root);
    }
    for (const p of page.CommonPrefixes ?? []) {
      const name = (p.Prefix ?? '').slice(root.length).replace(/\/$/, '');
      if ((p.Prefix ?? '').startsWith(root) && name !== '' && !name.includes('/')) names.push(name);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return names;
}
