using ZXing;
using ZXing.Common;

namespace EdgeMail.Browser.Tests.Support;

/// <summary>Reads a QR code out of a PNG as a phone's camera app would: ZXing over the image's pixels.</summary>
internal static class QrCode
{
    public static string Decode(byte[] png)
    {
        var image = Png.Read(png);
        var reader = new BarcodeReaderGeneric
        {
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true },
        };
        var result = reader.Decode(new RGBLuminanceSource(image.Luminance, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.Gray8));
        return result?.Text ?? throw new InvalidDataException($"no QR code found in the {image.Width}×{image.Height} PNG (colour type {image.ColourType}, depth {image.BitDepth})");
    }

    /// <summary>The bytes of a <c>data:image/png;base64,…</c> URL.</summary>
    public static byte[] FromDataUrl(string url)
    {
        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, url);
        return Convert.FromBase64String(url[prefix.Length..]);
    }
}
