var e,t,n,r,i,a,o,s,c,l,u,d,f,p,m={},h=[],g=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,_=Array.isArray;function v(e,t){for(var n in t)e[n]=t[n];return e}function y(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function b(t,n,r){var i,a,o,s={};for(o in n)o==`key`?i=n[o]:o==`ref`?a=n[o]:s[o]=n[o];if(arguments.length>2&&(s.children=arguments.length>3?e.call(arguments,2):r),typeof t==`function`&&t.defaultProps!=null)for(o in t.defaultProps)s[o]===void 0&&(s[o]=t.defaultProps[o]);return x(t,s,i,a,null)}function x(e,r,i,a,o){var s={type:e,props:r,key:i,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:o??++n,__i:-1,__u:0};return o==null&&t.vnode!=null&&t.vnode(s),s}function S(e){return e.children}function C(e,t){this.props=e,this.context=t}function w(e,t){if(t==null)return e.__?w(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type==`function`?w(e):null}function T(e){if(e.__P&&e.__d){var n=e.__v,r=n.__e,i=[],a=[],o=v({},n);o.__v=n.__v+1,t.vnode&&t.vnode(o),ne(e.__P,o,n,e.__n,e.__P.namespaceURI,32&n.__u?[r]:null,i,r??w(n),!!(32&n.__u),a),o.__v=n.__v,o.__.__k[o.__i]=o,ie(i,o,a),n.__e=n.__=null,o.__e!=r&&E(o)}}function E(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),E(e)}function D(e){(!e.__d&&(e.__d=!0)&&r.push(e)&&!O.__r++||i!=t.debounceRendering)&&((i=t.debounceRendering)||a)(O)}function O(){try{for(var e,t=1;r.length;)r.length>t&&r.sort(o),e=r.shift(),t=r.length,T(e)}finally{r.length=O.__r=0}}function ee(e,t,n,r,i,a,o,s,c,l,u){var d,f,p,g,_,v,y=r&&r.__k||h,b=t.length;for(c=k(n,t,y,c,b),d=0;d<b;d++)(p=n.__k[d])!=null&&(f=p.__i!=-1&&y[p.__i]||m,p.__i=d,v=ne(e,p,f,i,a,o,s,c,l,u),g=p.__e,p.ref&&f.ref!=p.ref&&(f.ref&&se(f.ref,null,p),u.push(p.ref,p.__c||g,p)),_==null&&g!=null&&(_=g),4&p.__u?(c=A(p,c,e),f.__e&&(f.__e=null)):typeof p.type==`function`&&v!==void 0?c=v:g&&(c=g.nextSibling),p.__u&=-7);return n.__e=_,c}function k(e,t,n,r,i){var a,o,s,c,l,u=n.length,d=u,f=0;for(e.__k=Array(i),a=0;a<i;a++)(o=t[a])!=null&&typeof o!=`boolean`&&typeof o!=`function`?(typeof o==`string`||typeof o==`number`||typeof o==`bigint`||o.constructor==String?o=e.__k[a]=x(null,o,null,null,null):_(o)?o=e.__k[a]=x(S,{children:o},null,null,null):o.constructor===void 0&&o.__b>0?o=e.__k[a]=x(o.type,o.props,o.key,o.ref?o.ref:null,o.__v):e.__k[a]=o,c=a+f,o.__=e,o.__b=e.__b+1,s=null,(l=o.__i=te(o,n,c,d))!=-1&&(d--,(s=n[l])&&(s.__u|=2)),s==null||s.__v==null?(l==-1&&(i>u?f--:i<u&&f++),typeof o.type!=`function`&&(o.__u|=4)):l!=c&&(l==c-1?f--:l==c+1?f++:(l>c?f--:f++,o.__u|=4))):e.__k[a]=null;if(d)for(a=0;a<u;a++)(s=n[a])!=null&&!(2&s.__u)&&(s.__e==r&&(r=w(s)),ce(s,s));return r}function A(e,t,n){var r,i;if(typeof e.type==`function`){for(r=e.__k,i=0;r&&i<r.length;i++)r[i]&&(r[i].__=e,t=A(r[i],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=w(e)),t=n.insertBefore(e.__e,t||null));do t&&=t.nextSibling;while(t!=null&&t.nodeType==8);return t}function te(e,t,n,r){var i,a,o,s=e.key,c=e.type,l=t[n],u=l!=null&&!(2&l.__u);if(l===null&&s==null||u&&s==l.key&&c==l.type)return n;if(r>+!!u){for(i=n-1,a=n+1;i>=0||a<t.length;)if((l=t[o=i>=0?i--:a++])!=null&&!(2&l.__u)&&s==l.key&&c==l.type)return o}return-1}function j(e,t,n){t[0]==`-`?e.setProperty(t,n??``):e[t]=n==null?``:typeof n!=`number`||g.test(t)?n:n+`px`}function M(e,t,n,r,i){var a,o;e:if(t==`style`){if(typeof n==`string`)e.style.cssText=n;else{if(typeof r==`string`&&(e.style.cssText=r=``),r)for(t in r)n&&t in n||j(e.style,t,``);if(n)for(t in n)r&&n[t]==r[t]||j(e.style,t,n[t])}}else if(t[0]==`o`&&t[1]==`n`)a=t!=(t=t.replace(u,`$1`)),o=t.toLowerCase(),t=o in e||t==`onFocusOut`||t==`onFocusIn`?o.slice(2):t.slice(2),e.l||={},e.l[t+a]=n,n?r?n[l]=r[l]:(n[l]=d,e.addEventListener(t,a?p:f,a)):e.removeEventListener(t,a?p:f,a);else{if(i==`http://www.w3.org/2000/svg`)t=t.replace(/xlink(H|:h)/,`h`).replace(/sName$/,`s`);else if(t!=`width`&&t!=`height`&&t!=`href`&&t!=`list`&&t!=`form`&&t!=`tabIndex`&&t!=`download`&&t!=`rowSpan`&&t!=`colSpan`&&t!=`role`&&t!=`popover`&&t in e)try{e[t]=n??``;break e}catch{}typeof n==`function`||(n==null||!1===n&&t[4]!=`-`?e.removeAttribute(t):e.setAttribute(t,t==`popover`&&n==1?``:n))}}function N(e){return function(n){if(this.l){var r=this.l[n.type+e];if(n[c]==null)n[c]=d++;else if(n[c]<r[l])return;return r(t.event?t.event(n):n)}}}function ne(e,n,r,i,a,o,s,c,l,u){var d,f,p,m,g,b,x,T,E,D,O,k,A,te,j,M,N=n.type;if(n.constructor!==void 0)return null;128&r.__u&&(l=!!(32&r.__u),o=[c=n.__e=r.__e]),(d=t.__b)&&d(n);e:if(typeof N==`function`){f=s.length;try{if(E=n.props,D=N.prototype&&N.prototype.render,O=(d=N.contextType)&&i[d.__c],k=d?O?O.props.value:d.__:i,r.__c?T=(p=n.__c=r.__c).__=p.__E:(D?n.__c=p=new N(E,k):(n.__c=p=new C(E,k),p.constructor=N,p.render=le),O&&O.sub(p),p.state||(p.state={}),p.__n=i,m=p.__d=!0,p.__h=[],p._sb=[]),D&&p.__s==null&&(p.__s=p.state),D&&N.getDerivedStateFromProps!=null&&(p.__s==p.state&&(p.__s=v({},p.__s)),v(p.__s,N.getDerivedStateFromProps(E,p.__s))),g=p.props,b=p.state,p.__v=n,m)D&&N.getDerivedStateFromProps==null&&p.componentWillMount!=null&&p.componentWillMount(),D&&p.componentDidMount!=null&&p.__h.push(p.componentDidMount);else{if(D&&N.getDerivedStateFromProps==null&&E!==g&&p.componentWillReceiveProps!=null&&p.componentWillReceiveProps(E,k),n.__v==r.__v||!p.__e&&p.shouldComponentUpdate!=null&&!1===p.shouldComponentUpdate(E,p.__s,k)){n.__v!=r.__v&&(p.props=E,p.state=p.__s,p.__d=!1),n.__e=r.__e,n.__k=r.__k,n.__k.some(function(e){e&&(e.__=n)}),h.push.apply(p.__h,p._sb),p._sb=[],p.__h.length&&s.push(p),c=w(r);break e}p.componentWillUpdate!=null&&p.componentWillUpdate(E,p.__s,k),D&&p.componentDidUpdate!=null&&p.__h.push(function(){p.componentDidUpdate(g,b,x)})}if(p.context=k,p.props=E,p.__P=e,p.__e=!1,A=t.__r,te=0,D)p.state=p.__s,p.__d=!1,A&&A(n),d=p.render(p.props,p.state,p.context),h.push.apply(p.__h,p._sb),p._sb=[];else do p.__d=!1,A&&A(n),d=p.render(p.props,p.state,p.context),p.state=p.__s;while(p.__d&&++te<25);p.state=p.__s,p.getChildContext!=null&&(i=v(v({},i),p.getChildContext())),D&&!m&&p.getSnapshotBeforeUpdate!=null&&(x=p.getSnapshotBeforeUpdate(g,b)),j=d!=null&&d.type===S&&d.key==null?ae(d.props.children):d,c=ee(e,_(j)?j:[j],n,r,i,a,o,s,c,l,u),p.base=n.__e,n.__u&=-161,p.__h.length&&s.push(p),T&&(p.__E=p.__=null)}catch(e){if(s.length=f,n.__v=null,l||o!=null){if(e.then){for(n.__u|=l?160:128;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;o!=null&&(o[o.indexOf(c)]=null),n.__e=c}else if(o!=null)for(M=o.length;M--;)y(o[M])}else n.__e=r.__e;n.__k??=r.__k||[],e.then||re(n),t.__e(e,n,r)}}else o==null&&n.__v==r.__v?(n.__k=r.__k,n.__e=r.__e):c=n.__e=oe(r.__e,n,r,i,a,o,s,l,u);return(d=t.diffed)&&d(n),128&n.__u?void 0:c}function re(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(re))}function ie(e,n,r){for(var i=0;i<r.length;i++)se(r[i],r[++i],r[++i]);t.__c&&t.__c(n,e),e.some(function(n){try{e=n.__h,n.__h=[],e.some(function(e){e.call(n)})}catch(e){t.__e(e,n.__v)}})}function ae(e){return typeof e!=`object`||!e||e.__b>0?e:_(e)?e.map(ae):e.constructor===void 0?v({},e):null}function oe(n,r,i,a,o,s,c,l,u){var d,f,p,h,g,v,b,x=i.props||m,S=r.props,C=r.type;if(C==`svg`?o=`http://www.w3.org/2000/svg`:C==`math`?o=`http://www.w3.org/1998/Math/MathML`:o||=`http://www.w3.org/1999/xhtml`,s!=null){for(d=0;d<s.length;d++)if((g=s[d])&&`setAttribute`in g==!!C&&(C?g.localName==C:g.nodeType==3)){n=g,s[d]=null;break}}if(n==null){if(C==null)return document.createTextNode(S);n=document.createElementNS(o,C,S.is&&S),l&&=(t.__m&&t.__m(r,s),!1),s=null}if(C==null)x===S||l&&n.data==S||(n.data=S);else{if(s=C==`textarea`&&S.defaultValue!=null?null:s&&e.call(n.childNodes),!l&&s!=null)for(x={},d=0;d<n.attributes.length;d++)x[(g=n.attributes[d]).name]=g.value;for(d in x)g=x[d],d==`dangerouslySetInnerHTML`?p=g:d==`children`||d in S||d==`value`&&`defaultValue`in S||d==`checked`&&`defaultChecked`in S||M(n,d,null,g,o);for(d in S)g=S[d],d==`children`?h=g:d==`dangerouslySetInnerHTML`?f=g:d==`value`?v=g:d==`checked`?b=g:l&&typeof g!=`function`||x[d]===g||M(n,d,g,x[d],o);if(f)l||p&&(f.__html==p.__html||f.__html==n.innerHTML)||(n.innerHTML=f.__html),r.__k=[];else if(p&&(n.innerHTML=``),ee(r.type==`template`?n.content:n,_(h)?h:[h],r,i,a,C==`foreignObject`?`http://www.w3.org/1999/xhtml`:o,s,c,s?s[0]:i.__k&&w(i,0),l,u),s!=null)for(d=s.length;d--;)y(s[d]);l&&C!=`textarea`||(d=`value`,C==`progress`&&v==null?n.removeAttribute(`value`):v!=null&&(v!==n[d]||C==`progress`&&!v||C==`option`&&v!=x[d])&&M(n,d,v,x[d],o),d=`checked`,b!=null&&b!=n[d]&&M(n,d,b,x[d],o))}return n}function se(e,n,r){try{if(typeof e==`function`){var i=typeof e.__u==`function`;i&&e.__u(),i&&n==null||(e.__u=e(n))}else e.current=n}catch(e){t.__e(e,r)}}function ce(e,n,r){var i,a;if(t.unmount&&t.unmount(e),(i=e.ref)&&(i.current&&i.current!=e.__e||se(i,null,n)),(i=e.__c)!=null){if(i.componentWillUnmount)try{i.componentWillUnmount()}catch(e){t.__e(e,n)}i.base=i.__P=i.__n=null}if(i=e.__k)for(a=0;a<i.length;a++)i[a]&&ce(i[a],n,r||typeof e.type!=`function`);r||y(e.__e),e.__c=e.__=e.__e=void 0}function le(e,t,n){return this.constructor(e,n)}function ue(n,r,i){var a,o,s,c;r==document&&(r=document.documentElement),t.__&&t.__(n,r),o=(a=typeof i==`function`)?null:i&&i.__k||r.__k,s=[],c=[],ne(r,n=(!a&&i||r).__k=b(S,null,[n]),o||m,m,r.namespaceURI,!a&&i?[i]:o?null:r.firstChild?e.call(r.childNodes):null,s,!a&&i?i:o?o.__e:r.firstChild,a,c),ie(s,n,c),n.props.children=null}e=h.slice,t={__e:function(e,t,n,r){for(var i,a,o;t=t.__;)if((i=t.__c)&&!i.__)try{if((a=i.constructor)&&a.getDerivedStateFromError!=null&&(i.setState(a.getDerivedStateFromError(e)),o=i.__d),i.componentDidCatch!=null&&(i.componentDidCatch(e,r||{}),o=i.__d),o)return i.__E=i}catch(t){e=t}throw e}},n=0,C.prototype.setState=function(e,t){var n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=v({},this.state);typeof e==`function`&&(e=e(v({},n),this.props)),e&&v(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),D(this))},C.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),D(this))},C.prototype.render=S,r=[],a=typeof Promise==`function`?Promise.prototype.then.bind(Promise.resolve()):setTimeout,o=function(e,t){return e.__v.__b-t.__v.__b},O.__r=0,s=Math.random().toString(8),c=`__d`+s,l=`__a`+s,u=/(PointerCapture)$|Capture$/i,d=0,f=N(!1),p=N(!0);var de=function(e,t,n,r){var i;t[0]=0;for(var a=1;a<t.length;a++){var o=t[a++],s=t[a]?(t[0]|=o?1:2,n[t[a++]]):t[++a];o===3?r[0]=s:o===4?r[1]=Object.assign(r[1]||{},s):o===5?(r[1]=r[1]||{})[t[++a]]=s:o===6?r[1][t[++a]]+=s+``:o?(i=e.apply(s,de(e,s,n,[``,null])),r.push(i),s[0]?t[0]|=2:(t[a-2]=0,t[a]=i)):r.push(s)}return r},fe=new Map;function pe(e){var t=fe.get(this);return t||(t=new Map,fe.set(this,t)),(t=de(this,t.get(e)||(t.set(e,t=function(e){for(var t,n,r=1,i=``,a=``,o=[0],s=function(e){r===1&&(e||(i=i.replace(/^\s*\n\s*|\s*\n\s*$/g,``)))?o.push(0,e,i):r===3&&(e||i)?(o.push(3,e,i),r=2):r===2&&i===`...`&&e?o.push(4,e,0):r===2&&i&&!e?o.push(5,0,!0,i):r>=5&&((i||!e&&r===5)&&(o.push(r,0,i,n),r=6),e&&(o.push(r,e,0,n),r=6)),i=``},c=0;c<e.length;c++){c&&(r===1&&s(),s(c));for(var l=0;l<e[c].length;l++)t=e[c][l],r===1?t===`<`?(s(),o=[o],r=3):i+=t:r===4?i===`--`&&t===`>`?(r=1,i=``):i=t+i[0]:a?t===a?a=``:i+=t:t===`"`||t===`'`?a=t:t===`>`?(s(),r=1):r&&(t===`=`?(r=5,n=i,i=``):t===`/`&&(r<5||e[c][l+1]===`>`)?(s(),r===3&&(o=o[0]),r=o,(o=o[0]).push(2,0,r),r=0):t===` `||t===`	`||t===`
`||t===`\r`?(s(),r=2):i+=t),r===3&&i===`!--`&&(r=4,o=o[0])}return s(),o}(e)),t),arguments,[])).length>1?t:t[0]}var P=pe.bind(b);function F(e,t=2){return e==null?`–`:Number(e).toLocaleString(`en-US`,{maximumFractionDigits:t})}function I(e){return e?new Date(e).toLocaleString(`en-GB`,{dateStyle:`medium`,timeStyle:`short`}):``}var L,R,me,he,z=0,ge=[],B=t,_e=B.__b,ve=B.__r,ye=B.diffed,be=B.__c,xe=B.unmount,Se=B.__;function Ce(e,t){B.__h&&B.__h(R,e,z||t),z=0;var n=R.__H||(R.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function V(e){return z=1,we(Pe,e)}function we(e,t,n){var r=Ce(L++,2);if(r.t=e,!r.__c&&(r.__=[n?n(t):Pe(void 0,t),function(e){var t=r.__N?r.__N[0]:r.__[0],n=r.t(t,e);t!==n&&(r.__N=[n,r.__[1]],r.__c.setState({}))}],r.__c=R,!R.__f)){var i=function(e,t,n){if(!r.__c.__H)return!0;var i=!1,o=r.__c.props!==e;if(r.__c.__H.__.some(function(e){if(e.__N){i=!0;var t=e.__[0];e.__=e.__N,e.__N=void 0,t!==e.__[0]&&(o=!0)}}),a){var s=a.call(this,e,t,n);return i?s||o:s}return!i||o};R.__f=!0;var a=R.shouldComponentUpdate,o=R.componentWillUpdate;R.componentWillUpdate=function(e,t,n){if(this.__e){var r=a;a=void 0,i(e,t,n),a=r}o&&o.call(this,e,t,n)},R.shouldComponentUpdate=i}return r.__N||r.__}function H(e,t){var n=Ce(L++,3);!B.__s&&Ne(n.__H,t)&&(n.__=e,n.u=t,R.__H.__h.push(n))}function Te(e){return z=5,Ee(function(){return{current:e}},[])}function Ee(e,t){var n=Ce(L++,7);return Ne(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function De(e,t){return z=8,Ee(function(){return e},t)}function Oe(){for(var e;e=ge.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(je),t.__h.some(Me),t.__h=[]}catch(n){t.__h=[],B.__e(n,e.__v)}}}B.__b=function(e){R=null,_e&&_e(e)},B.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Se&&Se(e,t)},B.__r=function(e){ve&&ve(e),L=0;var t=(R=e.__c).__H;t&&(me===R?(t.__h=[],R.__h=[],t.__.some(function(e){e.__N&&(e.__=e.__N),e.u=e.__N=void 0})):(t.__h.some(je),t.__h.some(Me),t.__h=[],L=0)),me=R},B.diffed=function(e){ye&&ye(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(ge.push(t)!==1&&he===B.requestAnimationFrame||((he=B.requestAnimationFrame)||Ae)(Oe)),t.__H.__.some(function(e){e.u&&=(e.__H=e.u,void 0)})),me=R=null},B.__c=function(e,t){t.some(function(e){try{e.__h.some(je),e.__h=e.__h.filter(function(e){return!e.__||Me(e)})}catch(n){t.some(function(e){e.__h&&=[]}),t=[],B.__e(n,e.__v)}}),be&&be(e,t)},B.unmount=function(e){xe&&xe(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(e){try{je(e)}catch(e){t=e}}),n.__H=void 0,t&&B.__e(t,n.__v))};var ke=typeof requestAnimationFrame==`function`;function Ae(e){var t,n=function(){clearTimeout(r),ke&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);ke&&(t=requestAnimationFrame(n))}function je(e){var t=R,n=e.__c;typeof n==`function`&&(e.__c=void 0,n()),R=t}function Me(e){var t=R;e.__c=e.__(),R=t}function Ne(e,t){return!e||e.length!==t.length||t.some(function(t,n){return t!==e[n]})}function Pe(e,t){return typeof t==`function`?t(e):t}function U(e){return e===null?`null`:Array.isArray(e)?`array`:typeof e}function W(e){return U(e)===`object`}function Fe(e){return Array.isArray(e)&&e.length>0&&e.every(e=>`message`in e)}function Ie(e,t){return e.length<124?e:t}var G=(e=>(e[e.InternalServerError=4500]=`InternalServerError`,e[e.InternalClientError=4005]=`InternalClientError`,e[e.BadRequest=4400]=`BadRequest`,e[e.BadResponse=4004]=`BadResponse`,e[e.Unauthorized=4401]=`Unauthorized`,e[e.Forbidden=4403]=`Forbidden`,e[e.SubprotocolNotAcceptable=4406]=`SubprotocolNotAcceptable`,e[e.ConnectionInitialisationTimeout=4408]=`ConnectionInitialisationTimeout`,e[e.ConnectionAcknowledgementTimeout=4504]=`ConnectionAcknowledgementTimeout`,e[e.SubscriberAlreadyExists=4409]=`SubscriberAlreadyExists`,e[e.TooManyInitialisationRequests=4429]=`TooManyInitialisationRequests`,e))(G||{}),K=(e=>(e.ConnectionInit=`connection_init`,e.ConnectionAck=`connection_ack`,e.Ping=`ping`,e.Pong=`pong`,e.Subscribe=`subscribe`,e.Next=`next`,e.Error=`error`,e.Complete=`complete`,e))(K||{});function Le(e){if(!W(e))throw Error(`Message is expected to be an object, but got ${U(e)}`);if(!e.type)throw Error(`Message is missing the 'type' property`);if(typeof e.type!=`string`)throw Error(`Message is expects the 'type' property to be a string, but got ${U(e.type)}`);switch(e.type){case`connection_init`:case`connection_ack`:case`ping`:case`pong`:if(e.payload!=null&&!W(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break;case`subscribe`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${U(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!W(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${U(e.payload)}`);if(typeof e.payload.query!=`string`)throw Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${U(e.payload.query)}`);if(e.payload.variables!=null&&!W(e.payload.variables))throw Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${U(e.payload.variables)}`);if(e.payload.operationName!=null&&U(e.payload.operationName)!==`string`)throw Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${U(e.payload.operationName)}`);if(e.payload.extensions!=null&&!W(e.payload.extensions))throw Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${U(e.payload.extensions)}`);break;case`next`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${U(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!W(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${U(e.payload)}`);break;case`error`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${U(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Fe(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break;case`complete`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${U(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);break;default:throw Error(`Invalid message 'type' property "${e.type}"`)}return e}function Re(e,t){return Le(typeof e==`string`?JSON.parse(e,t):e)}function q(e,t){return Le(e),JSON.stringify(e,t)}function ze(e){let{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:i=console.error,lazyCloseTimeout:a=0,keepAlive:o=0,disablePong:s,connectionAckWaitTimeout:c=0,retryAttempts:l=5,retryWait:u=async function(e){let t=2**e;await new Promise(e=>setTimeout(e,t*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:d=Ve,on:f,webSocketImpl:p,generateID:m=function(){return`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.replace(/[xy]/g,e=>{let t=Math.random()*16|0;return(e==`x`?t:t&3|8).toString(16)})},jsonMessageReplacer:h,jsonMessageReviver:g}=e,_;if(p){if(!Ue(p))throw Error(`Invalid WebSocket implementation provided`);_=p}else typeof WebSocket<`u`?_=WebSocket:typeof global<`u`?_=global.WebSocket||global.MozWebSocket:typeof window<`u`&&(_=window.WebSocket||window.MozWebSocket);if(!_)throw Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");let v=_,y=(()=>{let e=(()=>{let e={};return{on(t,n){return e[t]=n,()=>{delete e[t]}},emit(t){`id`in t&&e[t.id]?.(t)}}})(),t={connecting:f?.connecting?[f.connecting]:[],opened:f?.opened?[f.opened]:[],connected:f?.connected?[f.connected]:[],ping:f?.ping?[f.ping]:[],pong:f?.pong?[f.pong]:[],message:f?.message?[e.emit,f.message]:[e.emit],closed:f?.closed?[f.closed]:[],error:f?.error?[f.error]:[]};return{onMessage:e.on,on(e,n){let r=t[e];return r.push(n),()=>{let e=r.indexOf(n);e>-1&&r.splice(e,1)}},emit(e,...n){for(let r of[...t[e]])r(...n)}}})();function b(e){let t=[y.on(`error`,n=>{t.forEach(e=>e()),e(n)}),y.on(`closed`,n=>{t.forEach(e=>e()),e(n)})];return()=>t.forEach(e=>e())}let x,S=0,C,w=!1,T=0,E=!1;async function D(){clearTimeout(C);let[e,r]=await(x??=new Promise((e,r)=>(async()=>{if(w){if(await u(T),!S)return x=void 0,r({code:1e3,reason:`All Subscriptions Gone`});T++}y.emit(`connecting`,w);let i=new v(typeof t==`function`?await t():t,`graphql-transport-ws`),a,l;function d(){isFinite(o)&&o>0&&(clearTimeout(l),l=setTimeout(()=>{i.readyState===v.OPEN&&(i.send(q({type:K.Ping})),y.emit(`ping`,!1,void 0))},o))}b(e=>{x=void 0,clearTimeout(a),clearTimeout(l),r(e),e instanceof Be&&(i.close(4499,`Terminated`),i.onerror=null,i.onclose=null)}),i.onerror=e=>y.emit(`error`,e),i.onclose=e=>y.emit(`closed`,e),i.onopen=async()=>{try{y.emit(`opened`,i);let e=typeof n==`function`?await n():n;if(i.readyState!==v.OPEN)return;i.send(q(e?{type:K.ConnectionInit,payload:e}:{type:K.ConnectionInit},h)),isFinite(c)&&c>0&&(a=setTimeout(()=>{i.close(G.ConnectionAcknowledgementTimeout,`Connection acknowledgement timeout`)},c)),d()}catch(e){y.emit(`error`,e),i.close(G.InternalClientError,Ie(e instanceof Error?e.message:String(e),`Internal client error`))}};let f=!1;i.onmessage=({data:t})=>{try{let n=Re(t,g);if(y.emit(`message`,n),n.type===`ping`||n.type===`pong`){y.emit(n.type,!0,n.payload),n.type===`pong`?d():s||(i.send(q(n.payload?{type:K.Pong,payload:n.payload}:{type:K.Pong},h)),y.emit(`pong`,!1,n.payload));return}if(f)return;if(n.type!==K.ConnectionAck)throw Error(`First message cannot be of type ${n.type}`);clearTimeout(a),f=!0,y.emit(`connected`,i,n.payload,w),w=!1,T=0;let r=new Promise((e,t)=>b(t));r.catch(()=>{}),e([i,r])}catch(e){i.onmessage=null,y.emit(`error`,e),i.close(G.BadResponse,Ie(e instanceof Error?e.message:String(e),`Bad response`))}}})()));e.readyState===v.CLOSING&&await r;let i=()=>{},l=new Promise(e=>i=e);return[e,i,new Promise((t,n)=>{let i=b(n);e.readyState!==v.OPEN&&r.catch(n),l.then(()=>{if(i(),!S){let t=()=>e.close(1e3,`Normal Closure`);isFinite(a)&&a>0?(clearTimeout(C),C=setTimeout(()=>{!S&&e.readyState===v.OPEN&&t()},a)):t()}t()})})]}function O(e){if(Ve(e)&&(He(e.code)||[G.InternalServerError,G.InternalClientError,G.BadRequest,G.BadResponse,G.Unauthorized,G.SubprotocolNotAcceptable,G.SubscriberAlreadyExists,G.TooManyInitialisationRequests].includes(e.code)))throw e;if(E)return!1;if(Ve(e)&&e.code===1e3)return S>0;if(!l||T>=l||!d(e))throw e;return w=!0}r||(async()=>{for(S++;;)try{let[,,e]=await D();await e}catch(e){try{if(!O(e))return}catch(e){return i?.(e)}}})();function ee(e,t){let n=m(e),r=!1,i=!1,a=()=>{S--,r=!0};return(async()=>{for(S++;;)try{let[o,s,c]=await D();if(r)return c.catch(()=>{}),s();let l=y.onMessage(n,e=>{switch(e.type){case K.Next:t.next(e.payload);return;case K.Error:i=!0,r=!0,t.error(e.payload),a();return;case K.Complete:r=!0,a();return}});o.send(q({id:n,type:K.Subscribe,payload:e},h)),a=()=>{!r&&o.readyState===v.OPEN&&o.send(q({id:n,type:K.Complete},h)),S--,r=!0,s()},await c.finally(l);return}catch(e){if(!O(e))return}})().then(()=>{i||t.complete()}).catch(e=>{t.error(e)}),()=>{r||a()}}return{on:y.on,subscribe:ee,iterate(e){let t=[],n={done:!1,error:null,resolve:()=>{}},r=ee(e,{next(e){t.push(e),n.resolve()},error(e){n.done=!0,n.error=e,n.resolve()},complete(){n.done=!0,n.resolve()}}),i=async function*(){for(;;){for(t.length||await new Promise(e=>n.resolve=e);t.length;)yield t.shift();if(n.error)throw n.error;if(n.done)return}}();return i.throw=async e=>(n.done||(n.done=!0,n.error=e,n.resolve()),{done:!0,value:void 0}),i.return=async()=>(r(),{done:!0,value:void 0}),i},async dispose(){if(E=!0,x){let[e]=await x;e.close(1e3,`Normal Closure`)}},terminate(){x&&y.emit(`closed`,new Be)}}}var Be=class extends Error{name=`TerminatedCloseEvent`;message=`4499: Terminated`;code=4499;reason=`Terminated`;wasClean=!1};function Ve(e){return W(e)&&`code`in e&&`reason`in e}function He(e){return![1e3,1001,1006,1005,1012,1013,1014].includes(e)&&e>=1e3&&e<=1999}function Ue(e){return typeof e==`function`&&`constructor`in e&&`CLOSED`in e&&`CLOSING`in e&&`CONNECTING`in e&&`OPEN`in e}var We=new URL(`../graphql`,document.baseURI).href,Ge=We.replace(/^http/,`ws`),J=``,Y=null,Ke=!1,X=class extends Error{constructor(e){super(e.map(e=>e.message).join(`; `)),this.errors=e,this.code=e[0]?.extensions?.code||``}};function qe(e){J=e||``,Y&&(Y.dispose(),Y=null,Ke=!1)}var Je=3;async function Z(e,t={}){for(let n=0;;n++)try{return await Ye(e,t)}catch(e){let t=e instanceof X&&e.code===`RATE_LIMITED`?e.errors[0].extensions.retryAfterSeconds:void 0;if(t===void 0||n>=Je)throw e;await new Promise(e=>setTimeout(e,Math.min(t,30)*1e3))}}async function Ye(e,t){let n={"Content-Type":`application/json`};J&&(n.Authorization=`Bearer `+J);let r=await fetch(We,{method:`POST`,headers:n,body:JSON.stringify({query:e,variables:t})}),i;try{i=await r.json()}catch{throw new X([{message:`the server answered HTTP ${r.status}`}])}if(i.errors?.length){let e=new X(i.errors);throw e.code===`UNAUTHENTICATED`&&J&&dispatchEvent(new CustomEvent(`partnergraph:unauthenticated`,{detail:e.message})),e}return i.data}function Xe(e,t,n){Y||=ze({url:Ge,connectionParams:()=>J?{Authorization:`Bearer `+J}:{},retryAttempts:1/0,shouldRetry:e=>!(e&&typeof e.code==`number`&&e.code>=4400&&e.code<4500&&e.code!==4408),lazy:!0,on:{connected:()=>{Ke=!0,Ze.forEach(e=>e(`live`))},closed:()=>{Ke=!1,Ze.forEach(e=>e(`reconnecting`))}}});let r=n.onState||(()=>{});Ze.add(r),Ke&&r(`live`);let i=!1,a=Y.subscribe({query:e,variables:t},{next:e=>{e.errors?.length?n.error?.(new X(e.errors)):n.next(e.data)},error:e=>{if(Array.isArray(e))return n.error?.(new X(e));e?.code===4403&&J&&dispatchEvent(new CustomEvent(`partnergraph:unauthenticated`,{detail:e.reason||`the server refused the token`})),n.error?.(Error(Qe(e)))},complete:()=>{}});return()=>{i||(i=!0,Ze.delete(r),a())}}var Ze=new Set;function Qe(e){return e&&typeof e.code==`number`?`the connection closed (${e.code}${e.reason?`: `+e.reason:``})`:String(e?.message||e)}var $e=`partnergraph.console.token`;function et(){try{return sessionStorage.getItem($e)||``}catch{return``}}function tt(e){try{e?sessionStorage.setItem($e,e):sessionStorage.removeItem($e)}catch{}}function nt(e){try{let t=e.split(`.`)[1].replace(/-/g,`+`).replace(/_/g,`/`);return JSON.parse(atob(t+`=`.repeat((4-t.length%4)%4)))}catch{return null}}function rt(){return document.querySelector(`meta[name="partnergraph-mode"]`)?.content===`development`}function Q(e,t){let[n,r]=V({data:null,error:null,loading:!0}),i=De(()=>{let n=!0;return r(e=>({...e,loading:!0})),Z(e,t).then(e=>n&&r({data:e,error:null,loading:!1})).catch(e=>n&&r({data:null,error:e,loading:!1})),()=>{n=!1}},[e,JSON.stringify(t)]);return H(i,[i]),{...n,reload:i}}function $({q:e,what:t}){return e.error?P`<p class="error" role="alert">Could not load ${t}: ${e.error.message}</p>`:e.loading&&!e.data?P`<p aria-live="polite">Loading ${t}…</p>`:null}var it=`query($id: ID!) { partnerships(businessId: $id, first: 50) { edges { node {
  id status message createdAt proposer { id name } partner { id name } terms { type amount percent currency } } } } }`;function at({business:e,viewer:t}){let n=Q(it,{id:e.id}),[r,i]=V(``),a=async(e,t)=>{try{await Z(`mutation($id: ID!, $accept: Boolean!) { respondToPartnership(input: {partnershipId: $id, accept: $accept}) { partnership { status } } }`,{id:e.id,accept:t}),i(`${t?`Accepted`:`Declined`} the proposal of ${e.proposer.name}.`),n.reload()}catch(e){i(e.message)}};return P`
    <h2>Your businesses</h2>
    <ul class="cards">
      ${t.businesses.map(t=>P`
        <li class="card" aria-current=${t.id===e.id?`true`:void 0}>
          <h3>${t.name}</h3>
          <p>${t.city} · ${t.services.map(e=>e.name).join(`, `)}</p>
          <p><${ot} b=${t} /> trusts ${t.trustCounts.trusts}, trusted by ${t.trustCounts.trustedBy}</p>
        </li>`)}
    </ul>
    <h2>Partnerships of ${e.name}</h2>
    <p aria-live="polite">${r}</p>
    <${$} q=${n} what="partnerships" />
    ${n.data&&P`
      <div class="scroll"><table>
        <thead><tr><th scope="col">Partner</th><th scope="col">Status</th><th scope="col">Terms</th><th scope="col">Since</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
        <tbody>
          ${n.data.partnerships.edges.map(({node:t})=>P`<tr>
              <td>${(t.proposer.id===e.id?t.partner:t.proposer).name}</td><td>${t.status.toLowerCase()}</td><td>${st(t.terms)}</td><td>${I(t.createdAt)}</td>
              <td>${t.status===`PROPOSED`&&t.partner.id===e.id&&P`
                <button type="button" onClick=${()=>a(t,!0)}>Accept</button>
                <button type="button" class="secondary" onClick=${()=>a(t,!1)}>Decline</button>`}</td>
            </tr>`)}
        </tbody>
      </table></div>`}`}function ot({b:e}){return P`${e.verified&&P`<span class="badge ok">verified</span> `}${e.status!==`ACTIVE`&&P`<span class="badge warn">${e.status.toLowerCase()}</span> `}`}function st(e){return e.type===`FLAT`?`${e.amount} ${e.currency} flat`:`${e.percent}% (${e.currency})`}var ct=`query($id: ID!) {
  partnerSuggestions(businessId: $id, first: 10) { business { id name city verified status services { name } }
    score distanceKm reasons components { signal value weight } }
  networkSuggestions(businessId: $id, first: 5) { network { id name region } score members reasons components { signal value weight } }
}`,lt={COMPLEMENT:`complementary services`,SOCIAL:`common partners`,PAGERANK:`trust reach`,DISTANCE:`nearby`,NETWORKS:`shared networks`,QUALITY:`quality`,PARTNERS:`your partners there`,LOCAL:`local`,SIZE:`size`};function ut({business:e}){let t=Q(ct,{id:e.id}),[n,r]=V(``),[i,a]=V(``);return P`
    <h2>Partner suggestions for ${e.name}</h2>
    <p aria-live="polite" class="notice">${i}</p>
    <${$} q=${t} what="suggestions" />
    ${t.data&&P`
      <ol class="cards" aria-label="Partner suggestions">
        ${t.data.partnerSuggestions.map(i=>P`
          <li class="card suggestion">
            <h3>${i.business.name} <span class="score" title="score">${F(i.score,3)}</span></h3>
            <p>${i.business.city} · ${F(i.distanceKm,1)} km · ${i.business.services.map(e=>e.name).join(`, `)} <${ot} b=${i.business} /></p>
            <${ft} list=${i.components} score=${i.score} />
            <ul class="reasons">${i.reasons.map(e=>P`<li>${e}</li>`)}</ul>
            ${n===i.business.id?P`<${pt} from=${e} to=${i.business}
                  onDone=${e=>{r(``),a(e),e&&t.reload()}} />`:P`<button type="button" onClick=${()=>r(i.business.id)}>Propose a partnership</button>`}
          </li>`)}
        ${t.data.partnerSuggestions.length===0&&P`<li>No suggestions.</li>`}
      </ol>
      <h2>Network suggestions</h2>
      <ol class="cards" aria-label="Network suggestions">
        ${t.data.networkSuggestions.map(e=>P`
          <li class="card">
            <h3>${e.network.name} <span class="score">${F(e.score,3)}</span></h3>
            <p>${e.network.region} · ${e.members} members</p>
            <${ft} list=${e.components} score=${e.score} />
            <ul class="reasons">${e.reasons.map(e=>P`<li>${e}</li>`)}</ul>
          </li>`)}
        ${t.data.networkSuggestions.length===0&&P`<li>No network to suggest.</li>`}
      </ol>`}`}var dt={COMPLEMENT:`#1f5fa8`,SOCIAL:`#7a3e9d`,PAGERANK:`#a14a00`,DISTANCE:`#1a7f37`,NETWORKS:`#8a6d00`,QUALITY:`#b3261e`,PARTNERS:`#7a3e9d`,LOCAL:`#1a7f37`,SIZE:`#555`};function ft({list:e,score:t}){let n=e.reduce((e,t)=>e+t.value*t.weight,0)||1;return P`
    <div class="bar" aria-hidden="true">
      ${e.filter(e=>e.value*e.weight>0).map(e=>P`<span style=${{width:100*e.value*e.weight/n+`%`,background:dt[e.signal]}} title=${e.signal}></span>`)}
    </div>
    <details>
      <summary>Score ${F(t,3)}: its components</summary>
      <table class="compact">
        <thead><tr><th scope="col">Signal</th><th scope="col">Value</th><th scope="col">Weight</th><th scope="col">Part</th></tr></thead>
        <tbody>${e.map(e=>P`<tr><th scope="row"><span class="swatch" style=${{background:dt[e.signal]}}></span>${lt[e.signal]||e.signal}</th>
          <td>${F(e.value)}</td><td>${F(e.weight)}</td><td>${F(e.value*e.weight,3)}</td></tr>`)}</tbody>
      </table>
    </details>`}function pt({from:e,to:t,onDone:n}){let[r,i]=V(`FLAT`),[a,o]=V(`100.00`),[s,c]=V(`USD`),[l,u]=V(``),[d,f]=V(``),p=`p-`+t.id.replace(/[^A-Za-z0-9]/g,``);return P`
    <form class="inline" onSubmit=${async i=>{i.preventDefault();let o=r===`FLAT`?{type:r,amount:a,currency:s}:{type:r,percent:a,currency:s};try{let r=await Z(`mutation($in: ProposePartnershipInput!) { proposePartnership(input: $in) { partnership { id status } } }`,{in:{proposerId:e.id,partnerId:t.id,terms:o,message:l}});n(`Proposed a partnership to ${t.name} (${r.proposePartnership.partnership.status.toLowerCase()}).`)}catch(e){f(e.message)}}} aria-label=${`Propose a partnership to `+t.name}>
      <label for=${p+`t`}>Fee</label>
      <select id=${p+`t`} value=${r} onChange=${e=>i(e.currentTarget.value)}>
        <option value="FLAT">flat amount</option><option value="PERCENT">percent of the job</option>
      </select>
      <label for=${p+`a`}>${r===`FLAT`?`Amount`:`Percent`}</label>
      <input id=${p+`a`} inputmode="decimal" value=${a} onInput=${e=>o(e.currentTarget.value)} />
      <label for=${p+`c`}>Currency</label>
      <input id=${p+`c`} size="4" value=${s} onInput=${e=>c(e.currentTarget.value)} />
      <label for=${p+`m`}>Message</label>
      <input id=${p+`m`} value=${l} onInput=${e=>u(e.currentTarget.value)} />
      ${d&&P`<p class="error" role="alert">${d}</p>`}
      <button type="submit">Send proposal</button>
      <button type="button" class="secondary" onClick=${()=>n(``)}>Cancel</button>
    </form>`}var mt=`id cursor status reasons pathTrust score createdAt expiresAt declineReason
  path { id name } lead { id status notes service { name } customer { name phone email } }`;function ht({business:e}){let[t,n]=V([]),[r,i]=V(`connecting`),[a,o]=V(``),[s,c]=V(``);H(()=>Xe(`subscription($id: ID!) { leadOffers(businessId: $id) { ${mt} } }`,{id:e.id},{next:e=>{let t=e.leadOffers;n(e=>gt(e,t)),i(`live`),t.status===`PENDING`&&c(`New lead offer: ${t.lead.service.name}.`)},error:e=>o(e.message),onState:i}),[e.id]);let l=async(e,t,r)=>{try{let i=t?await Z(`mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { ${mt} } } }`,{id:e.id}):await Z(`mutation($id: ID!, $r: String) { declineLead(input: {offerId: $id, reason: $r}) { offer { ${mt} } } }`,{id:e.id,r:r||null}),a=t?i.acceptLead.offer:i.declineLead.offer;n(e=>gt(e,a)),c(`${t?`Accepted`:`Declined`} the lead (${a.lead.service.name}).`)}catch(e){c(e.message)}},u=[...t].reverse();return P`
    <h2>Inbox of ${e.name} <span class=${`live `+r}>${r===`live`?`● live`:r}</span></h2>
    <p class="sr" aria-live="polite">${s}</p>
    ${a&&P`<p class="error" role="alert">${a}</p>`}
    ${u.length===0&&P`<p>No offers yet. New ones appear here as they are made.</p>`}
    <ul class="cards" aria-label="Lead offers">
      ${u.map(e=>P`<${_t} key=${e.id} o=${e} onAnswer=${l} />`)}
    </ul>`}function gt(e,t){let n=e.findIndex(e=>e.id===t.id);if(n<0)return[...e,t];let r=e.slice();return r[n]={...e[n],...t},r}function _t({o:e,onAnswer:t}){let[n,r]=V(``),i=`r-`+e.id.replace(/[^A-Za-z0-9]/g,``);return P`
    <li class=${`card offer `+e.status.toLowerCase()} data-status=${e.status}>
      <h3>${e.lead.service.name} <span class="badge">${e.status.toLowerCase()}</span></h3>
      <p>${e.lead.notes||`No notes.`}</p>
      <${vt} path=${e.path} trust=${e.pathTrust} />
      <ul class="reasons">${e.reasons.map(e=>P`<li>${e}</li>`)}</ul>
      ${e.lead.customer?P`<p class="customer">Customer: <strong>${e.lead.customer.name}</strong> ${e.lead.customer.phone||``} ${e.lead.customer.email||``}</p>`:P`<p class="hint">The customer's details show once you accept.</p>`}
      <p class="hint">Offered ${I(e.createdAt)}${e.status===`PENDING`?`, answer by ${I(e.expiresAt)}`:``}${e.declineReason?` · declined: ${e.declineReason}`:``}</p>
      ${e.status===`PENDING`&&P`
        <div class="actions">
          <button type="button" onClick=${()=>t(e,!0)}>Accept</button>
          <label class="sr" for=${i}>Reason for declining</label>
          <input id=${i} placeholder="reason (optional)" value=${n} onInput=${e=>r(e.currentTarget.value)} />
          <button type="button" class="secondary" onClick=${()=>t(e,!1,n)}>Decline</button>
        </div>`}
    </li>`}function vt({path:e,trust:t}){return P`
    <figure class="path">
      <ol aria-label="Trust path">${e.map(e=>P`<li>${e.name}</li>`)}</ol>
      <figcaption>trust along the path ${F(t,2)}</figcaption>
    </figure>`}function yt({business:e}){let[t,n]=V(new Map),[r,i]=V(`connecting`),[a,o]=V(``);H(()=>{let t=new Set;return Xe(`subscription($id: ID!) { leadUpdates(businessId: $id) {
        cursor status message at lead { id status createdAt service { name } offers { business { name } status } } } }`,{id:e.id},{next:e=>{let r=e.leadUpdates;t.has(r.cursor)||(t.add(r.cursor),n(e=>{let t=new Map(e),n=t.get(r.lead.id);return t.set(r.lead.id,{lead:r.lead,status:r.status,events:[...n?.events||[],r]}),t}),i(`live`))},error:e=>o(e.message),onState:i})},[e.id]);let s=[...t.values()].reverse();return P`
    <h2>Leads referred by ${e.name} <span class=${`live `+r}>${r===`live`?`● live`:r}</span></h2>
    ${a&&P`<p class="error" role="alert">${a}</p>`}
    ${s.length===0&&P`<p>No leads referred yet. Status changes appear here as they happen.</p>`}
    <ul class="cards" aria-label="Referred leads" aria-live="polite">
      ${s.map(({lead:e,status:t,events:n})=>P`
        <li class="card" data-status=${t}>
          <h3>${e.service.name} <span class="badge">${t.toLowerCase()}</span></h3>
          <p class="hint">Referred ${I(e.createdAt)} · offered to ${e.offers.map(e=>`${e.business.name} (${e.status.toLowerCase()})`).join(`, `)||`no one`}</p>
          <ol class="events">${n.map(e=>P`<li><time datetime=${e.at}>${I(e.at)}</time> ${e.message}</li>`)}</ol>
        </li>`)}
    </ul>`}function bt({business:e}){let t=Q(`query($id: ID!) { ledger(businessId: $id) { partner { id name } leadsGiven leadsReceived
    acceptedGiven acceptedReceived wonGiven wonReceived commissionOwed commissionEarned currency } }`,{id:e.id});return P`
    <h2>Ledger of ${e.name}</h2>
    <${$} q=${t} what="the ledger" />
    ${t.data&&(t.data.ledger.length===0?P`<p>No leads with partners yet.</p>`:P`<div class="scroll"><table>
          <caption>Per partner: leads given and received (accepted, won), commission owed and earned</caption>
          <thead><tr><th scope="col">Partner</th><th scope="col">Given</th><th scope="col">Received</th>
            <th scope="col">Won given</th><th scope="col">Won received</th><th scope="col">Owed</th><th scope="col">Earned</th></tr></thead>
          <tbody>${t.data.ledger.map(e=>P`<tr>
            <th scope="row">${e.partner.name}</th>
            <td>${e.leadsGiven} (${e.acceptedGiven})</td><td>${e.leadsReceived} (${e.acceptedReceived})</td>
            <td>${e.wonGiven}</td><td>${e.wonReceived}</td>
            <td>${e.commissionOwed} ${e.currency||``}</td><td>${e.commissionEarned} ${e.currency||``}</td></tr>`)}</tbody>
        </table></div>`)}`}var xt=(function(){let e=typeof document<`u`&&document.createElement(`link`).relList;return e&&e.supports&&e.supports(`modulepreload`)?`modulepreload`:`preload`})(),St=function(e,t){return new URL(e,t).href},Ct={},wt={},Tt=function(e){return e.pathname.endsWith(`.css`)},Et=function(e,t,n){if(t in e)return e[t];let r=n();if(!r){e[t]=void 0;return}let i=r.then(()=>{e[t]=void 0},n=>{throw delete e[t],n});return e[t]=i,i},Dt=function(e,t,n){let r=Promise.resolve();if(t&&t.length>0){let e,i=document.querySelector(`meta[property=csp-nonce]`),a=i?.nonce||i?.getAttribute(`nonce`);function o(e){return Promise.all(e.map(e=>Promise.resolve(e).then(e=>({status:`fulfilled`,value:e}),e=>({status:`rejected`,reason:e}))))}function s(e){return import.meta.resolve?new URL(import.meta.resolve(e)):new URL(e,import.meta.url)}r=o(t.map(t=>{t=St(t,n);let r=s(t),i=Tt(r);return Et(Ct,r.href,()=>{if(e===void 0){e={all:new Set,styles:new Set};let t=document.getElementsByTagName(`link`);for(let n=t.length-1;n>=0;n--){let r=t[n];e.all.add(r.href),r.rel===`stylesheet`&&e.styles.add(r.href)}}let t=i?e.styles:e.all,n=i?wt[r.href]:void 0;if(!n&&t.has(r.href))return;let o=document.createElement(`link`);if(o.rel=i?`stylesheet`:xt,i||(o.as=`script`),o.crossOrigin=``,o.href=r.href,a&&o.setAttribute(`nonce`,a),n&&delete wt[r.href],n?.isConnected?n.replaceWith(o):document.head.appendChild(o),i)return new Promise((e,t)=>{let n=i=>{o.removeEventListener(`load`,n),o.removeEventListener(`error`,n),i.type===`error`?(wt[r.href]=o,t(Error(`Unable to preload CSS for ${r}`))):e(i)};o.addEventListener(`load`,n),o.addEventListener(`error`,n)})})}).filter(e=>e!==void 0))}function i(e){let t=new Event(`vite:preloadError`,{cancelable:!0});if(t.payload=e,window.dispatchEvent(t),!t.defaultPrevented)throw e}return r.then(t=>{for(let e of t||[])e.status===`rejected`&&i(e.reason);return e().catch(i)})},Ot=3e3,kt=[`#1f5fa8`,`#b3261e`,`#8a4b00`,`#7a3e9d`,`#00727a`,`#9c2a6b`,`#5b5b00`,`#3d4db7`,`#6b4f2a`,`#c2185b`],At=new Map;function jt(e){return At.has(e)||At.set(e,kt[At.size%kt.length]),At.get(e)}function Mt(){return[...At.entries()]}var Nt=[{selector:`node`,style:{"background-color":`data(color)`,label:`data(label)`,"font-size":10,"min-zoomed-font-size":7,color:`#111`,"text-valign":`bottom`,"text-margin-y":3,"text-background-color":`#fff`,"text-background-opacity":.8,"text-background-padding":1,width:`data(size)`,height:`data(size)`,"border-width":1,"border-color":`#fff`}},{selector:`node[?verified]`,style:{"border-width":4,"border-color":`#1a7f37`}},{selector:`node[status = "SUSPENDED"]`,style:{"background-color":`#9e9e9e`,"border-width":4,"border-style":`dashed`,"border-color":`#b3261e`,shape:`octagon`}},{selector:`node.focus`,style:{"overlay-color":`#1f5fa8`,"overlay-opacity":.15,"overlay-padding":6,"font-weight":`bold`}},{selector:`edge.trust`,style:{width:`mapData(score, 0, 1, 0.5, 6)`,"line-color":`#7d8a99`,"target-arrow-color":`#7d8a99`,"target-arrow-shape":`triangle`,"curve-style":`bezier`,"arrow-scale":.8,opacity:.85}},{selector:`edge.trust[source_ = "ADMIN"]`,style:{"line-color":`#c05800`,"target-arrow-color":`#c05800`}},{selector:`edge.partnership`,style:{width:2,"line-style":`dashed`,"line-color":`#7a3e9d`,"curve-style":`bezier`,"target-arrow-shape":`none`}},{selector:`edge.partnership[status = "PROPOSED"]`,style:{"line-style":`dotted`}},{selector:`:selected`,style:{"overlay-color":`#f0b400`,"overlay-opacity":.35,"overlay-padding":5}},{selector:`edge.big`,style:{"curve-style":`haystack`,"haystack-radius":0,"target-arrow-shape":`none`}},{selector:`.hidden`,style:{display:`none`}}],Pt=class e{static async create(t,n){let{default:r}=await Dt(async()=>{let{default:e}=await import(`./cytoscape-GonM2UBP.js`);return{default:e}},[],import.meta.url);return new e(r,t,n)}constructor(e,t,n){this.cy=e({container:t,headless:!t,style:Nt,wheelSensitivity:.3,minZoom:.05,maxZoom:4}),this.count=0,this.cy.on(`tap`,`node`,e=>n(`node`,e.target.data())),this.cy.on(`tap`,`edge`,e=>n(`edge`,e.target.data()))}get size(){return this.count}addBusiness(e,t){let n=Ft(e),r=this.cy.getElementById(e.id);if(r.nonempty()){let{sector:e,color:t,size:i,weight:a,...o}=n;return r.data(o),!0}if(this.size>=3e3)return!1;let i=t?{x:t.x+(Math.random()-.5)*120,y:t.y+(Math.random()-.5)*120}:void 0;return this.cy.add({group:`nodes`,data:n,position:i}),this.count++,!0}positionOf(e){let t=this.cy.getElementById(e);return t.nonempty()?{...t.position()}:null}addTrust(e){if(this.cy.getElementById(e.from.id).empty()||this.cy.getElementById(e.to.id).empty())return;let t=`t:${e.from.id}>${e.to.id}`,n=It({id:t,source:e.from.id,target:e.to.id,score:e.score,weight:e.weight,source_:e.source,note:e.note,fromName:e.from.name,toName:e.to.name,kind:`trust`}),r=this.cy.getElementById(t);r.nonempty()?r.data(n):this.cy.add({group:`edges`,data:n,classes:this.size>400?`trust big`:`trust`})}addNeighbourhood(e,t){let n=!1;return this.cy.batch(()=>{n=this.addAll(e,t)}),!n}addAll(e,t){let n=!1,r=new Map;for(let i of e.nodes){r.set(i.id,i.name);let e={id:i.id,name:i.name,city:i.city,verified:i.verified,status:i.suspended?`SUSPENDED`:`ACTIVE`,sector:i.sector,services:i.services.map(e=>({slug:e,name:e,sector:i.sector})),trustReceived:i.trustReceived};n=!this.addBusiness(e,t)||n}let i=e=>({id:e,name:r.get(e)});for(let t of e.trust)this.addTrust({from:i(t.from),to:i(t.to),score:t.score,weight:t.weight,source:t.overridden?`ADMIN`:`MEMBER`});for(let t of e.partnerships)this.addPartnership({id:`${t.a}~${t.b}`,proposer:i(t.a),partner:i(t.b),status:t.status});return n}addPartnership(e){if(this.cy.getElementById(e.proposer.id).empty()||this.cy.getElementById(e.partner.id).empty())return;let t=`p:`+e.id;this.cy.getElementById(t).nonempty()||this.cy.add({group:`edges`,data:{id:t,source:e.proposer.id,target:e.partner.id,status:e.status,fromName:e.proposer.name,toName:e.partner.name,kind:`partnership`},classes:this.size>400?`partnership big`:`partnership`})}focus(e){this.cy.nodes().removeClass(`focus`),this.cy.getElementById(e).addClass(`focus`)}select(e){this.cy.elements().unselect(),this.cy.getElementById(e).select()}filter({service:e,town:t,members:n}){this.cy.batch(()=>{this.cy.nodes().forEach(r=>{let i=r.data(),a=r.hasClass(`focus`)||(!e||i.services.includes(e))&&(!t||i.city===t)&&(!n||n.has(i.id));r.toggleClass(`hidden`,!a)})})}layout({circle:e=!1,fresh:t=!0}={}){let n={name:`cose`,animate:!1,randomize:t,nodeRepulsion:()=>4e5,nodeOverlap:20,idealEdgeLength:()=>100,gravity:1,numIter:1e3},r=this.size>400;this.cy.edges(r?`:not(.big)`:`.big`).toggleClass(`big`,r),e?n={name:`circle`,animate:!1}:r&&(n={name:`concentric`,concentric:e=>e.data(`weight`),levelWidth:()=>4,animate:!1,minNodeSpacing:4}),this.cy.layout({...n,padding:40}).run(),this.cy.zoom()>1.3&&(this.cy.zoom(1.3),this.cy.center())}clear(){this.cy.elements().remove(),this.count=0}nodes(){return this.cy.nodes().map(e=>({...e.data(),hidden:e.hasClass(`hidden`)}))}trustOf(e){return this.cy.getElementById(e).connectedEdges(`.trust`).map(e=>e.data())}counts(){return{nodes:this.size,trust:this.cy.edges(`.trust`).length,partnerships:this.cy.edges(`.partnership`).length}}destroy(){this.cy.destroy()}};function Ft(e){let t=e.sector||e.services[0]?.sector||`none`,n=e.trustReceived??e.trustCounts?.trustedBy;return It({id:e.id,label:e.name,name:e.name,city:e.city,status:e.status,verified:e.verified,sector:t,services:e.services.map(e=>e.slug),serviceNames:e.services.map(e=>e.name),trustedBy:e.trustCounts?.trustedBy,trusts:e.trustCounts?.trusts,trustReceived:e.trustReceived,weight:n,color:jt(t),size:n===void 0?void 0:14+5*Math.sqrt(n)})}function It(e){return Object.fromEntries(Object.entries(e).filter(([,e])=>e!==void 0))}var Lt=`fragment B on Business { id name city status verified services { slug name sector } trustCounts { trusts trustedBy } }`,Rt=`score source note from { ...B } to { ...B }`,zt=`query($id: ID!, $max: Int) { neighbourhood(businessId: $id, depth: 1, maxNodes: $max) {
  truncated nodes { id name sector services city verified suspended trustReceived }
  trust { from to score weight overridden } partnerships { a b status } } }`,Bt=500,Vt=25;async function Ht(e,t){let n=await Z(zt,{id:t,max:Bt});return performance.mark(`graph:read`),{full:!e.addNeighbourhood(n.neighbourhood,e.positionOf(t)),truncated:n.neighbourhood.truncated}}function Ut(){let e=Te(null),[t,n]=V(null),[r,i]=V(0),[a,o]=V(null),[s,c]=V(``),[l,u]=V({service:``,town:``,network:``,members:null}),d=Q(`{ networks(first: 100) { edges { node { id name } } } }`,{}),f=Te(l);f.current=l;let p=()=>i(e=>e+1);H(()=>{let t,r=!0;return Pt.create(e.current,(e,n)=>{o({kind:e,data:n}),e===`node`&&h(t,n.id,!1)}).then(e=>{t=e,r?n(e):e.destroy()}),()=>{r=!1,t?.destroy()}},[]);let m=t=>e.current?.setAttribute(`data-state`,t),h=async(e,t,n)=>{try{c(`Loading…`),m(`loading`),performance.mark(`graph:expand`),n&&e.clear();let{full:r,truncated:i}=await Ht(e,t);performance.mark(`graph:added`),e.focus(t),e.layout({fresh:n}),e.filter(f.current),performance.measure(`graph:query`,`graph:expand`,`graph:read`),performance.measure(`graph:add`,`graph:read`,`graph:added`),performance.measure(`graph:layout`,`graph:added`),m(`ready`);let a=e.nodes().find(e=>e.id===t);a&&o({kind:`node`,data:a});let s=e.counts();c(r?`The drawing holds at most ${Ot} businesses; not all neighbours were added.`:`Drawn: ${s.nodes} businesses, ${s.trust} trust edges, ${s.partnerships} partnerships.`+(i?` Truncated: the business has more neighbours than the ${Bt} drawn.`:``)),p()}catch(e){m(`error`),c(e.message)}};H(()=>{t&&(t.filter(l),p())},[l,t]);let g=async e=>{if(!e)return u({...l,network:``,members:null});try{let t=new Set,n=null;for(let r=0;r<Vt;r++){let r=await Z(`query($n: ID!, $after: String) { businesses(filter: {networkId: $n}, first: 100, after: $after) {
          edges { node { id } } pageInfo { hasNextPage endCursor } } }`,{n:e,after:n});if(r.businesses.edges.forEach(e=>t.add(e.node.id)),!r.businesses.pageInfo.hasNextPage)break;n=r.businesses.pageInfo.endCursor}u({...l,network:e,members:t})}catch(e){c(e.message)}},_=t?t.nodes():[],v=[...new Set(_.flatMap(e=>e.services))].sort(),y=[...new Set(_.map(e=>e.city))].sort(),b=t?t.counts():null;return P`
    <h2>Trust graph</h2>
    <${qt} onPick=${e=>t&&h(t,e,!0)} />
    <div class="graph-tools">
      <label for="f-service">Service</label>
      <select id="f-service" value=${l.service} onChange=${e=>u({...l,service:e.currentTarget.value})}>
        <option value="">all</option>${v.map(e=>P`<option value=${e}>${e}</option>`)}
      </select>
      <label for="f-town">Town</label>
      <select id="f-town" value=${l.town} onChange=${e=>u({...l,town:e.currentTarget.value})}>
        <option value="">all</option>${y.map(e=>P`<option value=${e}>${e}</option>`)}
      </select>
      <label for="f-network">Network</label>
      <select id="f-network" value=${l.network} onChange=${e=>g(e.currentTarget.value)}>
        <option value="">all</option>${(d.data?.networks.edges||[]).map(({node:e})=>P`<option value=${e.id}>${e.name}</option>`)}
      </select>
    </div>
    <p aria-live="polite" class="notice" data-testid="graph-status">${s}</p>
    <div class="graph-layout">
      <div class="graph" ref=${e} role="img" aria-label=${b?`Trust graph: ${b.nodes} businesses, ${b.trust} trust edges, ${b.partnerships} partnerships. The same businesses are listed below.`:`Trust graph`}></div>
      <${Jt} g=${t} sel=${a} onChange=${e=>{o(e),p()}} onExpand=${e=>t&&h(t,e,!1)} />
    </div>
    <${Gt} />
    <${Kt} nodes=${_} onSelect=${e=>{t.select(e.id),o({kind:`node`,data:e})}} />`}function Wt(e){let t=[];return e.trusts!==void 0&&t.push(`trusts ${e.trusts}, trusted by ${e.trustedBy}`),e.trustReceived!==void 0&&t.push(`trust received ${F(e.trustReceived)}`),t.join(`, `)}function Gt(){return P`
    <ul class="legend" aria-label="Legend">
      ${Mt().map(([e,t])=>P`<li><span class="swatch" style=${{background:t}}></span>${e}</li>`)}
      <li><span class="swatch ring-ok"></span>verified</li>
      <li><span class="swatch ring-bad"></span>suspended</li>
      <li><span class="line trust"></span>trust (arrow: who trusts whom; width: score)</li>
      <li><span class="line admin"></span>trust set by an admin</li>
      <li><span class="line partnership"></span>partnership</li>
    </ul>`}function Kt({nodes:e,onSelect:t}){let[n,r]=V(!1);if(!e.length)return null;let i=e.filter(e=>!e.hidden);return n&&i.sort((e,t)=>t.weight-e.weight),P`
    <details class="nodelist" onToggle=${e=>r(e.currentTarget.open)}>
      <summary>The ${i.length} businesses drawn, as a list</summary>
      ${n&&P`<div class="scroll"><table>
        <thead><tr><th scope="col">Business</th><th scope="col">Town</th><th scope="col">Sector</th><th scope="col">Trust</th><th scope="col">Marks</th></tr></thead>
        <tbody>${i.map(e=>P`<tr>
          <th scope="row"><button type="button" class="link" onClick=${()=>t(e)}>${e.name}</button></th>
          <td>${e.city}</td><td>${e.sector}</td><td>${Wt(e)}</td><td><${ot} b=${e} /></td></tr>`)}</tbody>
      </table></div>`}
    </details>`}function qt({onPick:e}){let[t,n]=V(``),[r,i]=V(null),[a,o]=V(``);return P`
    <form class="inline" role="search" onSubmit=${async e=>{e.preventDefault();try{let e=await Z(`query($s: String) { businesses(filter: {search: $s}, first: 10) { edges { node { id name city } } } }`,{s:t});i(e.businesses.edges.map(e=>e.node)),o(``)}catch(e){o(e.message)}}}>
      <label for="search">Business</label>
      <input id="search" type="search" value=${t} placeholder="name or words" onInput=${e=>n(e.currentTarget.value)} />
      <button type="submit">Search</button>
    </form>
    ${a&&P`<p class="error" role="alert">${a}</p>`}
    ${r&&P`<ul class="hits" aria-label="Search results">
      ${r.map(t=>P`<li><button type="button" onClick=${()=>{i(null),e(t.id)}}>${t.name}, ${t.city}</button></li>`)}
      ${r.length===0&&P`<li>No business matches.</li>`}
    </ul>`}`}function Jt({g:e,sel:t,onChange:n,onExpand:r}){let[i,a]=V(``),[o,s]=V(``),[c,l]=V(``);if(H(()=>{a(``),t?.kind===`edge`&&t.data.kind===`trust`&&(s(String(t.data.score)),l(t.data.note||``))},[t?.data?.id]),!t)return P`<aside class="inspector"><p>Select a business or an edge in the drawing, or a business in the list below it.</p></aside>`;let u=t.data,d=async(t,r,i)=>{try{let o=i(await Z(t+` `+Lt,r));e.addBusiness(o),n({kind:`node`,data:e.nodes().find(e=>e.id===o.id)}),a(`Saved.`)}catch(e){a(e.message)}};return t.kind===`node`?P`
      <aside class="inspector" aria-label="Selected business">
        <h3>${u.name}</h3>
        <p>${u.city} · ${u.serviceNames.join(`, `)}</p>
        <p>${Wt(u)} · <span data-testid="marks">${u.verified?`verified`:`not verified`}, ${u.status.toLowerCase()}</span></p>
        <div class="actions">
          ${r&&P`<button type="button" onClick=${()=>r(u.id)}>Expand</button>`}
          <button type="button" onClick=${()=>d(`mutation($id: ID!, $v: Boolean) { verifyBusiness(input: {businessId: $id, verified: $v}) { business { ...B } } }`,{id:u.id,v:!u.verified},e=>e.verifyBusiness.business)}>${u.verified?`Remove verification`:`Verify`}</button>
          <button type="button" class="danger" onClick=${()=>d(`mutation($id: ID!, $s: Boolean) { suspendBusiness(input: {businessId: $id, suspended: $s}) { business { ...B } } }`,{id:u.id,s:u.status!==`SUSPENDED`},e=>e.suspendBusiness.business)}>${u.status===`SUSPENDED`?`Lift suspension`:`Suspend`}</button>
        </div>
        <p aria-live="polite">${i}</p>
        <${Yt} g=${e} id=${u.id} onPick=${t=>{e.select(t.id),n({kind:`edge`,data:t})}} />
      </aside>`:u.kind===`partnership`?P`<aside class="inspector" aria-label="Selected partnership"><h3>Partnership</h3><p>${u.fromName} and ${u.toName}: ${u.status.toLowerCase()}</p></aside>`:P`
    <aside class="inspector" aria-label="Selected trust edge">
      <h3>Trust</h3>
      <p>${u.fromName} trusts ${u.toName}: <strong>${F(u.score)}</strong> (${u.source_.toLowerCase()})${u.weight===void 0?``:`; routing weight ${F(u.weight)}`}</p>
      ${u.note&&P`<p>“${u.note}”</p>`}
      <form onSubmit=${async t=>{t.preventDefault();try{let t=await Z(`mutation($in: SetTrustInput!) { setTrust(input: $in) { trust { ${Rt} } } } ${Lt}`,{in:{fromId:u.source,toId:u.target,score:Number(o),note:c}});e.addTrust(t.setTrust.trust),n({kind:`edge`,data:{...u,score:t.setTrust.trust.score,source_:t.setTrust.trust.source,note:t.setTrust.trust.note}}),a(`Saved: ${F(t.setTrust.trust.score)} (${t.setTrust.trust.source.toLowerCase()}).`)}catch(e){a(e.message)}}}>
        <label for="ov-score">Override the score (0 to 1)</label>
        <input id="ov-score" type="number" min="0" max="1" step="0.05" value=${o} onInput=${e=>s(e.currentTarget.value)} />
        <label for="ov-note">Note</label>
        <input id="ov-note" value=${c} onInput=${e=>l(e.currentTarget.value)} />
        <button type="submit">Override</button>
      </form>
      <p aria-live="polite">${i}</p>
    </aside>`}function Yt({g:e,id:t,onPick:n}){let r=e?e.trustOf(t):[];return r.length?(r.sort((e,t)=>t.score-e.score),P`
    <details>
      <summary>Its ${r.length} trust edges drawn</summary>
      <ul class="edges">${r.map(e=>P`<li><button type="button" class="link" onClick=${()=>n(e)}>${e.fromName} → ${e.toName}</button> ${F(e.score)}</li>`)}</ul>
    </details>`):null}var Xt=`{ complementMatrix { services { slug name sector } cells { from to curated learned effective } } }`;function Zt(){let e=Q(Xt,{}),[t,n]=V(``),[r,i]=V(``);if(!e.data)return P`<h2>Complement weights</h2><${$} q=${e} what="the complement matrix" />`;let a=e.data.complementMatrix.services,o=[...new Set(a.map(e=>e.sector))],s=r?a.filter(e=>e.sector===r):a,c=new Map(e.data.complementMatrix.cells.map(e=>[`${e.from}>${e.to}`,e])),l=async(t,r,i)=>{let a=i===``?0:Number(i);if(Number.isNaN(a)||a<0||a>1)n(`A weight is a number from 0 to 1.`);else try{await Z(`mutation($in: SetComplementInput!) { setComplement(input: $in) { complement { weight } } }`,{in:{from:t.slug,to:r.slug,weight:a}}),n(`${t.name} → ${r.name}: ${a===0?`removed`:F(a)}.`),e.reload()}catch(e){n(e.message)}};return P`
    <h2>Complement weights</h2>
    <p>How often customers of the row's service need the column's. Each cell: the curated weight
      (edit, then Enter or leave the cell; empty or 0 removes it) and, below it, the weight learned
      from lead outcomes (<span class="learned">in italics</span>). Matching uses the curated one, the learned one, or a blend of both (a cell's tooltip).</p>
    <div class="graph-tools">
      <label for="c-sector">Rows of sector</label>
      <select id="c-sector" value=${r} onChange=${e=>i(e.currentTarget.value)}>
        <option value="">all</option>${o.map(e=>P`<option value=${e}>${e}</option>`)}
      </select>
    </div>
    <p aria-live="polite" class="notice">${t}</p>
    <div class="scroll matrix-box">
      <table class="matrix">
        <thead><tr><th scope="col"><span class="sr">from \ to</span></th>${a.map(e=>P`<th scope="col" title=${e.name}><span class="vert">${e.name}</span></th>`)}</tr></thead>
        <tbody>${s.map(e=>P`<tr>
          <th scope="row">${e.name}</th>
          ${a.map(t=>{if(t.slug===e.slug)return P`<td class="diag"></td>`;let n=c.get(`${e.slug}>${t.slug}`),r=n?.curated??void 0,i=n?.learned??void 0;return P`<td class=${r===void 0?``:`has`} title=${n?`used by matching: ${F(n.effective)}`:void 0}>
              <input aria-label=${`${e.name} to ${t.name}, curated weight`} inputmode="decimal" size="3"
                key=${e.slug+t.slug+(r??``)} defaultValue=${r===void 0?``:String(r)}
                onKeyDown=${e=>e.key===`Enter`&&e.currentTarget.blur()}
                onChange=${n=>l(e,t,n.currentTarget.value.trim())} />
              ${i!==void 0&&P`<small class="learned" data-testid="learned"><span class="sr">learned </span>${F(i)}</small>`}
            </td>`})}
        </tr>`)}</tbody>
      </table>
    </div>`}var Qt=`{ suspiciousGroups(first: 20) { edges { node { id kind score
  members { ...B } subject { ...B }
  evidence { size density mutualTrustPairs trustEdges recentMembers unverifiedMembers leads acceptedLeads
    declinedLeads expiredLeads wonLeads returnedLeads returnRate declineRate expiryRate badRate trusters clusterShare } } } } } ${Lt}`,$t={DENSE_CLIQUE:`Dense clique of mutual trust among new, unverified businesses`,LEAD_LOOP:`Lead loop with mostly declined or expired leads`,ONE_CLUSTER_TRUST:`Trust from one cluster only`};function en(){let e=Q(Qt,{}),[t,n]=V(null);return P`
    <h2>Suspicious groups</h2>
    <${$} q=${e} what="suspicious groups" />
    ${e.data&&e.data.suspiciousGroups.edges.length===0&&P`<p>No group looks like collusion.</p>`}
    ${e.data&&P`<ul class="cards" aria-label="Suspicious groups">
      ${e.data.suspiciousGroups.edges.map(({node:e})=>P`
        <li class="card group">
          <h3>${$t[e.kind]||e.kind} <span class="score">${F(e.score)}</span></h3>
          ${e.subject&&P`<p>Trusted: <strong>${e.subject.name}</strong></p>`}
          <p>${e.subject?`By`:`Members`}: ${e.members.map(e=>e.name).join(`, `)}</p>
          <${tn} e=${e.evidence} />
          <button type="button" aria-pressed=${t?.id===e.id} onClick=${()=>n(e)}>Draw this group</button>
        </li>`)}
    </ul>`}
    ${t&&P`<${nn} key=${t.id} grp=${t} />`}`}function tn({e}){let t=[[`members`,e.size],[`density of mutual trust`,F(e.density)],[`mutual trust pairs`,e.mutualTrustPairs],[`trust edges`,e.trustEdges],[`registered in the last 180 days`,e.recentMembers],[`unverified`,e.unverifiedMembers],[`leads answered`,e.leads],[`accepted`,e.acceptedLeads],[`declined`,e.declinedLeads],[`expired`,e.expiredLeads],[`won`,e.wonLeads],[`returned`,e.returnedLeads],[`return rate`,F(e.returnRate)],[`bad rate`,F(e.badRate)]];return e.trusters!==null&&t.push([`businesses trusting the subject`,e.trusters]),e.clusterShare!==null&&t.push([`share of its trust from the cluster`,F(e.clusterShare)]),P`<dl class="evidence">${t.map(([e,t])=>P`<div><dt>${e}</dt><dd>${t}</dd></div>`)}</dl>`}function nn({grp:e}){let t=Te(null),[n,r]=V(null),[i,a]=V(null),[o,s]=V(`Drawing…`),[,c]=V(0);return H(()=>{let n,i=!0;return(async()=>{if(n=await Pt.create(t.current,(e,t)=>a({kind:e,data:t})),!i)return n.destroy();let o=[...e.members,...e.subject?[e.subject]:[]];o.forEach(e=>n.addBusiness(e));let c=new Set(o.map(e=>e.id));try{(await Promise.all(o.map(e=>Z(`query($id: ID!) { trustEdges(businessId: $id, first: 100) { edges { node { score source note from { id name } to { id name } } } } }`,{id:e.id})))).forEach(e=>e.trustEdges.edges.forEach(({node:e})=>c.has(e.to.id)&&n.addTrust(e))),e.subject&&n.focus(e.subject.id),n.layout({circle:!0});let t=n.counts();s(`Drawn: ${t.nodes} businesses, ${t.trust} trust edges among them.`)}catch(e){s(e.message)}r(n)})(),()=>{i=!1,n?.destroy()}},[e.id]),P`
    <section aria-label="The group drawn">
      <h3>The group drawn</h3>
      <p aria-live="polite" data-testid="group-status">${o}</p>
      <div class="graph-layout">
        <div class="graph small" ref=${t} role="img" aria-label="The group's members and the trust among them"></div>
        <${Jt} g=${n} sel=${i} onChange=${e=>{a(e),c(e=>e+1)}} onExpand=${null} />
      </div>
      <${Kt} nodes=${n?n.nodes():[]} onSelect=${e=>{n.select(e.id),a({kind:`node`,data:e})}} />
    </section>`}var rn=[`#0072b2`,`#d55e00`,`#009e73`,`#cc79a7`,`#8a6d00`,`#56b4e9`,`#555555`];async function an(e,{labels:t,datasets:n,stacked:r=!1,horizontal:i=!1}){let{Chart:a}=await Dt(async()=>{let{Chart:e}=await import(`./chartjs-64X89UOV.js`);return{Chart:e}},[],import.meta.url);return new a(e,{type:`bar`,data:{labels:t,datasets:n.map((e,t)=>({...e,backgroundColor:e.color||rn[t%rn.length]}))},options:{indexAxis:i?`y`:`x`,animation:!1,responsive:!0,maintainAspectRatio:!1,scales:{x:{stacked:r,ticks:i?{precision:0}:{}},y:{stacked:r,beginAtZero:!0,ticks:i?{}:{precision:0}}},plugins:{legend:{display:n.length>1,position:`bottom`}}}})}var on=`query($from: Time!, $to: Time!) { networkHealth(from: $from, to: $to, bucket: DAY, top: 10) {
  leads { start total offered accepted unroutable won lost }
  routingFailures { kind count }
  offers { made pending accepted declined expired withdrawn acceptanceRate }
  topReferrers { business { id name } leads won }
  topRecipients { business { id name } offers accepted } } }`,sn=[[`offered`,`Offered`],[`accepted`,`Accepted`],[`won`,`Won`],[`lost`,`Lost`],[`unroutable`,`Unroutable`]],cn={NO_PROVIDER:`No provider offers the service`,NO_TRUSTED_PATH:`No trusted path`,DAILY_CAP:`Daily lead cap reached`,OTHER:`Other`},ln=[[`accepted`,`Accepted`],[`declined`,`Declined`],[`expired`,`Expired`],[`pending`,`Pending`],[`withdrawn`,`Withdrawn`]];function un(e){let t=new Date;t.setUTCHours(0,0,0,0),t.setUTCDate(t.getUTCDate()+1);let n=new Date(t);return n.setUTCDate(n.getUTCDate()-e),{from:n.toISOString(),to:t.toISOString()}}var dn=e=>new Date(e).toLocaleDateString(`en-GB`,{day:`numeric`,month:`short`,timeZone:`UTC`});function fn(){let[e,t]=V(30),n=Q(on,un(e)),r=n.data?.networkHealth;return P`
    <h2>Network health</h2>
    <div class="graph-tools">
      <label for="h-days">Leads created in</label>
      <select id="h-days" value=${e} onChange=${e=>t(Number(e.currentTarget.value))}>
        ${[7,30,90].map(e=>P`<option value=${e}>the last ${e} days</option>`)}
      </select>
      <button type="button" class="secondary" onClick=${n.reload}>Refresh</button>
    </div>
    <${$} q=${n} what="the network's health" />
    ${r&&P`<div class="charts">
      <${pn} id="h-leads" title="Leads per day, by status now" wide
        chart=${{labels:r.leads.map(e=>dn(e.start)),stacked:!0,datasets:sn.map(([e,t])=>({label:t,data:r.leads.map(t=>t[e])}))}}
        head=${[`Day`,...sn.map(([,e])=>e),`Total`]}
        rows=${r.leads.filter(e=>e.total>0).map(e=>[dn(e.start),...sn.map(([t])=>e[t]),e.total])}
        summary=${mn(r.leads.reduce((e,t)=>e+t.total,0),`lead`)+` in ${r.leads.length} days.`} />
      <${pn} id="h-failures" title="Routing failures, by reason"
        chart=${{labels:r.routingFailures.map(e=>cn[e.kind]||e.kind),horizontal:!0,datasets:[{label:`Unroutable leads`,data:r.routingFailures.map(e=>e.count)}]}}
        head=${[`Reason`,`Unroutable leads`]}
        rows=${r.routingFailures.map(e=>[cn[e.kind]||e.kind,e.count])}
        summary=${r.routingFailures.length?mn(r.routingFailures.reduce((e,t)=>e+t.count,0),`unroutable lead`)+`.`:`No lead was unroutable.`} />
      <${pn} id="h-offers" title="Offers, by what became of them"
        chart=${{labels:ln.map(([,e])=>e),datasets:[{label:`Offers`,data:ln.map(([e])=>r.offers[e])}]}}
        head=${[`Offers`,`Count`]}
        rows=${[[`Made`,r.offers.made],...ln.map(([e,t])=>[t,r.offers[e]])]}
        summary=${`${mn(r.offers.made,`offer`)} made; acceptance rate ${r.offers.acceptanceRate===null?`not yet known (none answered)`:F(r.offers.acceptanceRate*100,0)+`%`}.`} />
      <${pn} id="h-referrers" title="Top referrers"
        chart=${{labels:r.topReferrers.map(e=>e.business.name),horizontal:!0,datasets:[{label:`Leads referred`,data:r.topReferrers.map(e=>e.leads)},{label:`Won`,data:r.topReferrers.map(e=>e.won)}]}}
        head=${[`Business`,`Leads referred`,`Won`]}
        rows=${r.topReferrers.map(e=>[e.business.name,e.leads,e.won])}
        summary=${r.topReferrers.length?``:`No lead was referred.`} />
      <${pn} id="h-recipients" title="Top recipients"
        chart=${{labels:r.topRecipients.map(e=>e.business.name),horizontal:!0,datasets:[{label:`Offers received`,data:r.topRecipients.map(e=>e.offers)},{label:`Accepted`,data:r.topRecipients.map(e=>e.accepted)}]}}
        head=${[`Business`,`Offers received`,`Accepted`]}
        rows=${r.topRecipients.map(e=>[e.business.name,e.offers,e.accepted])}
        summary=${r.topRecipients.length?``:`No offer was made.`} />
    </div>`}`}function pn({id:e,title:t,chart:n,head:r,rows:i,summary:a,wide:o}){let s=Te(null),[c,l]=V(``);return H(()=>{let e,t=!0;if(i.length)return an(s.current,n).then(n=>{t?e=n:n.destroy()},e=>l(e.message)),()=>{t=!1,e?.destroy()}},[JSON.stringify(n)]),P`
    <figure class=${`chart`+(o?` wide`:``)} aria-labelledby=${e+`-t`} data-testid=${e}>
      <figcaption id=${e+`-t`}>${t}</figcaption>
      ${a&&P`<p id=${e+`-s`} class="hint">${a}</p>`}
      ${i.length>0&&P`<div class="chart-box"><canvas ref=${s} role="img" aria-label=${t+` (the table below holds the same numbers)`}></canvas></div>`}
      ${c&&P`<p class="error" role="alert">${c}</p>`}
      ${i.length>0&&P`<details>
        <summary>${t}, as a table</summary>
        <div class="scroll"><table>
          <thead><tr>${r.map(e=>P`<th scope="col">${e}</th>`)}</tr></thead>
          <tbody>${i.map(e=>P`<tr><th scope="row">${e[0]}</th>${e.slice(1).map(e=>P`<td>${e}</td>`)}</tr>`)}</tbody>
        </table></div>
      </details>`}
    </figure>`}function mn(e,t){return`${e} ${t}${e===1?``:`s`}`}var hn=`{ viewer { sub roles businesses { id name city status verified
  services { slug name sector } trustCounts { trusts trustedBy } } } }`,gn=[[`businesses`,`Businesses`,at],[`suggestions`,`Suggestions`,ut],[`inbox`,`Inbox`,ht],[`leads`,`My leads`,yt],[`ledger`,`Ledger`,bt]],_n=[[`graph`,`Trust graph`,Ut],[`complements`,`Complements`,Zt],[`groups`,`Suspicious groups`,en],[`health`,`Health`,fn]];function vn(){return location.hash.replace(/^#\/?/,``)||``}function yn(){let[e,t]=V(et()),[n,r]=V(null),[i,a]=V(``),[o,s]=V(vn()),[c,l]=V(``);H(()=>{let e=()=>s(vn());return addEventListener(`hashchange`,e),()=>removeEventListener(`hashchange`,e)},[]),H(()=>{let e=e=>{a(`Signed out: `+e.detail),tt(``),t(``)};return addEventListener(`partnergraph:unauthenticated`,e),()=>removeEventListener(`partnergraph:unauthenticated`,e)},[]),H(()=>{if(qe(e),r(null),!e)return;let n=!0;return Z(hn).then(e=>{n&&(r(e.viewer),l(t=>t||e.viewer.businesses[0]?.id||``),a(``))}).catch(e=>{n&&(a(e instanceof X&&e.code===`UNAUTHENTICATED`?`The server refused this token: `+e.message:e.message),tt(``),t(``))}),()=>{n=!1}},[e]);let u=e=>{tt(e),t(e)},d=()=>{tt(``),t(``),l(``),location.hash=``};if(!e||!n)return P`<${bn} onSignIn=${u} error=${i} busy=${!!e&&!n} />`;let f=n.roles.includes(`admin`),p=[...n.businesses.length||!f?gn:[],...f?_n:[]],[m,,h]=p.find(([e])=>e===o)||p[0],g=n.businesses.find(e=>e.id===c),_=gn.some(([e])=>e===m);return P`
    <a class="skip" href="#main" onClick=${e=>{e.preventDefault(),document.getElementById(`main`)?.focus()}}>Skip to content</a>
    <header class="top">
      <h1>PartnerGraph console</h1>
      <p class="who">Signed in as <strong>${n.sub}</strong> (${n.roles.join(`, `)||`no role`})</p>
      <button type="button" class="link" onClick=${d}>Sign out</button>
    </header>
    <nav class="tabs" aria-label="Views">
      ${p.map(([e,t])=>P`<a href=${`#/`+e} aria-current=${e===m?`page`:void 0}>${t}</a>`)}
    </nav>
    ${_&&n.businesses.length>1&&P`
      <div class="picker">
        <label for="biz">Business</label>
        <select id="biz" value=${c} onChange=${e=>l(e.currentTarget.value)}>
          ${n.businesses.map(e=>P`<option value=${e.id}>${e.name}</option>`)}
        </select>
      </div>`}
    <main id="main" tabindex="-1">
      ${_&&!g?P`<p>This account owns no business yet. Register one through the API (<code>registerBusiness</code>).</p>`:P`<${h} key=${m+c} business=${g} viewer=${n} />`}
    </main>`}function bn({onSignIn:e,error:t,busy:n}){let[r,i]=V(``),[a,o]=V(!1),s=rt(),c=r?nt(r.trim()):null;return P`
    <main id="main" class="signin">
      <h1>PartnerGraph console</h1>
      <p>Sign in with a token for the API. It is kept in this tab only (sessionStorage) and sent
        as <code>Authorization: Bearer …</code> on every request.</p>
      <form onSubmit=${t=>{t.preventDefault();let n=r.trim().replace(/^Bearer\s+/i,``);n&&e(n)}}>
        <label for="token">Token</label>
        <textarea id="token" rows="4" spellcheck=${!1} autocomplete="off" value=${r}
          aria-describedby="token-hint" onInput=${e=>i(e.currentTarget.value)}></textarea>
        <p id="token-hint" class="hint">${c?`Token for ${c.sub} (${(c.roles||[]).join(`, `)}), expires ${c.exp?new Date(c.exp*1e3).toLocaleString():`never`}`:`Paste a JWT.`}</p>
        ${t&&P`<p class="error" role="alert">${t}</p>`}
        <button type="submit" disabled=${n}>${n?`Signing in…`:`Sign in`}</button>
      </form>
      ${s&&P`
        <button type="button" class="link" aria-expanded=${a} aria-controls="mint" onClick=${()=>o(!a)}>How do I get a token?</button>
        ${a&&P`<${xn} />`}`}
    </main>`}function xn(){return P`
    <section id="mint" class="card" aria-label="Minting a development token">
      <p>This server runs in development mode, and signs tokens with the development secret in its
        data directory. In a terminal, in the directory the server was started from, mint one
        (give <code>token</code> the server's <code>--db</code> if it was started with one):</p>
      <pre><code>go run ./cmd/partnergraph token --sub user-andy --role member --ttl 1h</code></pre>
      <p>The example network's owners are <code>user-dave</code>, <code>user-mike</code>, <code>user-andy</code>
        and <code>user-<var>business id</var></code> for the others. An
        admin (the trust graph, complements, suspicious groups, health):</p>
      <pre><code>go run ./cmd/partnergraph token --sub root --role admin --ttl 1h</code></pre>
      <p>Copy the printed token into the box above. A token lives at most 24 hours.</p>
    </section>`}ue(P`<${yn} />`,document.getElementById(`app`));