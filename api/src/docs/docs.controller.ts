import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { openApiDocument } from './openapi';

/** A self-contained page (no CDN, no external script): it fetches openapi.json and lists every operation. */
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Boomerang API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
h1{margin-bottom:.2rem}details{border:1px solid #d5dae1;border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{background:#f5f7fa;padding:.6rem;overflow:auto;border-radius:4px}
.m{display:inline-block;width:4.2rem;font-weight:600;text-transform:uppercase}.get{color:#1a7f37}.post{color:#0969da}.put{color:#9a6700}.delete{color:#cf222e}
.a{color:#57606a;font-size:13px;margin-left:.5rem}
</style></head>
<body><h1>Boomerang API</h1><p id="intro"></p><p><a href="/api/docs/openapi.json">openapi.json</a></p><div id="ops"></div>
<script>
fetch('/api/docs/openapi.json').then(r=>r.json()).then(doc=>{
  document.getElementById('intro').textContent=doc.info.description;
  const root=document.getElementById('ops');
  for(const [path,ops] of Object.entries(doc.paths)) for(const [method,op] of Object.entries(ops)){
    const d=document.createElement('details');const s=document.createElement('summary');
    const m=document.createElement('span');m.className='m '+method;m.textContent=method;
    const p=document.createElement('code');p.textContent=path;
    const a=document.createElement('span');a.className='a';a.textContent=op.summary+' — '+op.description;
    s.append(m,p,a);d.append(s);
    const add=(title,value)=>{if(!value)return;const h=document.createElement('h4');h.textContent=title;const pre=document.createElement('pre');pre.textContent=JSON.stringify(value,null,2);d.append(h,pre);};
    if(op.parameters&&op.parameters.length)add('Parameters',op.parameters);
    if(op.requestBody)add('Request body',op.requestBody.content['application/json'].schema);
    add('Responses',op.responses);
    root.append(d);
  }
});
</script></body></html>`;

@Public()
@Controller('docs')
export class DocsController {
  @Get('openapi.json')
  openApi(): unknown {
    return openApiDocument();
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
  ui(): string {
    return page;
  }
}
