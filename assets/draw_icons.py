# Regenerates icon-48.png and icon-128.png (run from the repo root: python3 assets/draw_icons.py).
# Draws the app icon (blue rounded square, white ring with two gaps and a hub) as PNG.
import math, struct, zlib, sys
def png(size, path):
    bg=(0x2c,0x66,0x93); white=(255,255,255)
    rows=[]
    c=(size-1)/2; r_out=size*0.36; r_in=size*0.26; hub=size*0.09; corner=size*0.18
    for y in range(size):
        row=bytearray([0])
        for x in range(size):
            # rounded-square mask
            dx=max(corner-x,0,x-(size-1-corner)); dy=max(corner-y,0,y-(size-1-corner))
            inside = dx*dx+dy*dy <= corner*corner
            if not inside:
                row += bytes((0,0,0,0)); continue
            d=math.hypot(x-c,y-c); ang=math.degrees(math.atan2(y-c,x-c))%360
            gap = (20<=ang<=50) or (200<=ang<=230)
            col = white if (r_in<=d<=r_out and not gap) or d<=hub else bg
            row += bytes(col)+b'\xff'
        rows.append(bytes(row))
    raw=b''.join(rows)
    def chunk(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)
    data=b'\x89PNG\r\n\x1a\n'+chunk(b'IHDR',struct.pack('>IIBBBBB',size,size,8,6,0,0,0))+chunk(b'IDAT',zlib.compress(raw,9))+chunk(b'IEND',b'')
    open(path,'wb').write(data)
png(48,'assets/icon-48.png'); png(128,'assets/icon-128.png')
