/**
 * In-browser viewer for a record's file: PDF in the browser's own PDF viewer, images as images,
 * text as text. The bytes are fetched with the user's credentials and shown from a blob: URL, so
 * the viewer never needs a credential in a link. (Watermarking by secrecy level is not built yet.)
 */
import { Alert, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { fetchBlob } from '../api/client';
import type { ComponentView } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorState, Loading } from './async';

export function viewable(c: ComponentView): boolean {
  return /^(application\/pdf|image\/(png|jpeg|gif|webp)|text\/)/.test(c.mediaType);
}

export function Viewer({ recordId, component }: { recordId: string; component: ComponentView }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ url?: string; text?: string; error?: Error }>({});
  useEffect(() => {
    let url: string | undefined;
    let live = true;
    setState({});
    fetchBlob(`/api/v1/records/${encodeURIComponent(recordId)}/components/${component.id}/content`).then(
      async (blob) => {
        if (!live) return;
        if (component.mediaType.startsWith('text/')) {
          setState({ text: await blob.text() });
        } else {
          // Re-type the bytes: the server sends them as an attachment, the viewer shows them inline.
          url = URL.createObjectURL(new Blob([blob], { type: component.mediaType }));
          setState({ url });
        }
      },
      (error: Error) => live && setState({ error }),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [recordId, component.id, component.mediaType]);

  if (state.error) return <ErrorState error={state.error} />;
  if (state.text !== undefined)
    return (
      <Typography.Paragraph
        style={{
          whiteSpace: 'pre-wrap',
          maxHeight: 520,
          overflow: 'auto',
          background: '#fafafa',
          padding: 12,
        }}
        data-testid="viewer-text"
      >
        {state.text || t('（空）', '(empty)')}
      </Typography.Paragraph>
    );
  if (!state.url) return <Loading />;
  if (component.mediaType === 'application/pdf')
    return (
      <iframe
        title={component.fileName}
        src={state.url}
        style={{ width: '100%', height: 560, border: '1px solid #f0f0f0' }}
      />
    );
  if (component.mediaType.startsWith('image/'))
    return (
      <div style={{ maxHeight: 560, overflow: 'auto', textAlign: 'center', background: '#fafafa' }}>
        <img src={state.url} alt={component.fileName} style={{ maxWidth: '100%' }} />
      </div>
    );
  return (
    <Alert
      type="info"
      title={t('此格式不能在浏览器中预览，请下载查看。', 'This format cannot be previewed; download it.')}
    />
  );
}
