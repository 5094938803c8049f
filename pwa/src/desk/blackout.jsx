// Black boxes drawn on a photo: with the mouse or a finger (pointer events), or with the keyboard (add a box, then
// arrows move it and Shift+arrows resize it; Delete removes it). Boxes are in pixels of the photo as shown
// (its width × height after auto-rotation), which is what POST …/photos/{id}/redactions takes (docs/media.md).
import { useRef, useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';
import { boxFrom, clampBox, nudge } from './boxes.js';

export function BlackoutEditor({ src, alt, width, height, boxes, onChange, label }) {
  const area = useRef(null);
  const [draft, setDraft] = useState(null);
  const [selected, setSelected] = useState(-1);
  const start = useRef(null);
  const step = Math.max(1, Math.round(Math.max(width, height) / 100));

  const toPhoto = (event) => {
    const rect = area.current.getBoundingClientRect();
    return {
      x: Math.max(0, Math.min(width, ((event.clientX - rect.left) / rect.width) * width)),
      y: Math.max(0, Math.min(height, ((event.clientY - rect.top) / rect.height) * height)),
    };
  };
  const down = (event) => {
    if (event.target !== area.current && !event.target.classList.contains('blackout-photo')) return;
    event.preventDefault();
    area.current.setPointerCapture?.(event.pointerId);
    start.current = toPhoto(event);
    setDraft(boxFrom(start.current, start.current));
  };
  const move = (event) => { if (start.current) setDraft(boxFrom(start.current, toPhoto(event))); };
  const up = (event) => {
    if (!start.current) return;
    const box = boxFrom(start.current, toPhoto(event));
    start.current = null;
    setDraft(null);
    if (box.width >= width / 200 && box.height >= height / 200) {
      onChange([...boxes, clampBox(box, width, height)]);
      setSelected(boxes.length);
    }
  };
  const add = () => {
    const box = clampBox({ x: width * 0.4, y: height * 0.4, width: width * 0.2, height: height * 0.2 }, width, height);
    onChange([...boxes, box]);
    setSelected(boxes.length);
    requestAnimationFrame(() => area.current?.querySelectorAll('.blackout-box')[boxes.length]?.focus());
  };
  const remove = (index) => { onChange(boxes.filter((_, i) => i !== index)); setSelected(-1); };
  const key = (index) => (event) => {
    if (event.key === 'Delete' || event.key === 'Backspace') { event.preventDefault(); remove(index); return; }
    const next = nudge(boxes[index], event.key, event.shiftKey, event.altKey ? 1 : step, width, height);
    if (!next) return;
    event.preventDefault();
    onChange(boxes.map((box, i) => (i === index ? next : box)));
  };
  const pct = (box) => ({
    left: `${(box.x / width) * 100}%`, top: `${(box.y / height) * 100}%`,
    width: `${(box.width / width) * 100}%`, height: `${(box.height / height) * 100}%`,
  });
  const describe = (box, index) => t('moderation_box_label', { n: index + 1, x: box.x, y: box.y, w: box.width, h: box.height });
  return (
    <div class="blackout">
      <p class="muted" id={`${label}-help`}>{t('moderation_draw_help')}</p>
      <div class="blackout-area" ref={area} onPointerDown={down} onPointerMove={move} onPointerUp={up}
           onPointerCancel={() => { start.current = null; setDraft(null); }} data-testid="blackout-area">
        <img class="blackout-photo" src={src} alt={alt} draggable={false} width={width} height={height} />
        {boxes.map((box, index) => (
          <button type="button" class={'blackout-box' + (index === selected ? ' selected' : '')} style={pct(box)}
                  aria-label={describe(box, index)} aria-describedby={`${label}-help`}
                  onFocus={() => setSelected(index)} onKeyDown={key(index)} />
        ))}
        {draft && <span class="blackout-box draft" style={pct(draft)} aria-hidden="true" />}
      </div>
      <div class="toolbar">
        <button type="button" onClick={add}>{t('moderation_add_box')}</button>
        {boxes.length > 0 && (
          <button type="button" onClick={() => { onChange([]); setSelected(-1); }}>{t('moderation_clear_boxes')}</button>
        )}
      </div>
      {boxes.length > 0 && (
        <ul class="blackout-list">
          {boxes.map((box, index) => (
            <li>
              {describe(box, index)}{' '}
              <button type="button" class="link" onClick={() => remove(index)}
                      aria-label={t('moderation_remove_box_n', { n: index + 1 })}>{t('moderation_remove_box')}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
