using System.Buffers.Binary;
using System.IO.Compression;

namespace EdgeMail.Browser.Tests.Support;

/// <summary>
/// A small PNG reader, enough for the QR code the page embeds (QRCoder's PngByteQRCode writes 1-bit greyscale, colour
/// type 0) and for Chromium's screenshots (8-bit RGB or RGBA):
/// non-interlaced, colour types 0 (grey), 2 (RGB), 3 (palette), 4 (grey and alpha) and 6 (RGBA), bit depths 1 to 8,
/// the five filters of PNG §9. It returns one byte of luminance per pixel (alpha composited over white).
/// </summary>
internal static class Png
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public sealed record Image(int Width, int Height, int ColourType, int BitDepth, byte[] Luminance);

    public static Image Read(byte[] png)
    {
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a PNG");
        }

        int width = 0, height = 0, depth = 0, colour = 0;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    depth = data[8];
                    colour = data[9];
                    if (data[12] != 0)
                    {
                        throw new NotSupportedException("interlaced PNG");
                    }
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            if (type == "IEND")
            {
                break;
            }
            at += 12 + length; // length, type, data, CRC
        }

        var channels = colour switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new NotSupportedException($"colour type {colour}") };
        if (depth > 8)
        {
            throw new NotSupportedException($"bit depth {depth}");
        }

        var stride = (width * channels * depth + 7) / 8;
        var bpp = Math.Max(1, channels * depth / 8); // the filters' byte distance (PNG §9.2)
        var raw = Inflate(idat.ToArray(), (stride + 1) * height);
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var output = pixels.AsSpan(y * stride, stride);
            var previous = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (var x = 0; x < stride; x++)
            {
                int a = x >= bpp ? output[x - bpp] : 0, b = previous[x], c = x >= bpp ? previous[x - bpp] : 0;
                output[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"filter {filter}"),
                });
            }
        }

        var luminance = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var row = pixels.AsSpan(y * stride, stride);
            for (var x = 0; x < width; x++)
            {
                luminance[y * width + x] = colour switch
                {
                    0 => Scale(Sample(row, x, depth), depth),
                    3 => Entry(palette!, Sample(row, x, depth)),
                    4 => OverWhite(row[x * 2], row[x * 2 + 1]),
                    2 => Luma(row[x * 3], row[x * 3 + 1], row[x * 3 + 2]),
                    _ => OverWhite(Luma(row[x * 4], row[x * 4 + 1], row[x * 4 + 2]), row[x * 4 + 3]),
                };
            }
        }

        return new Image(width, height, colour, depth, luminance);
    }

    private static byte[] Inflate(byte[] zlib, int expected)
    {
        using var inflater = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        var raw = new byte[expected];
        inflater.ReadExactly(raw);
        return raw;
    }

    /// <summary>The x-th sample of a row packed at <paramref name="depth"/> bits, most significant bits first (PNG §7.2).</summary>
    private static int Sample(ReadOnlySpan<byte> row, int x, int depth)
    {
        if (depth == 8)
        {
            return row[x];
        }

        var bit = x * depth;
        return (row[bit / 8] >> (8 - depth - bit % 8)) & ((1 << depth) - 1);
    }

    private static byte Entry(byte[] palette, int index) => Luma(palette[index * 3], palette[index * 3 + 1], palette[index * 3 + 2]);

    private static byte Scale(int sample, int depth) => (byte)(sample * 255 / ((1 << depth) - 1));

    private static byte Luma(int r, int g, int b) => (byte)((r * 299 + g * 587 + b * 114) / 1000);

    private static byte OverWhite(int grey, int alpha) => (byte)((grey * alpha + 255 * (255 - alpha)) / 255);

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
