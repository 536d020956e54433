using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace EdgeMail.Net.Certificates;

/// <summary>
/// The name-constraints extension (RFC 5280 §4.2.1.10), which .NET has no builder for: the box's CA may sign
/// only for its own DNS names, so trusting it on a phone trusts nothing else on the Internet.
/// </summary>
internal static class NameConstraints
{
    public const string Oid = "2.5.29.30";

    // RFC 5280 §4.2.1.10 and its module PKIX1Implicit88 (Appendix A.2, implicit tags):
    //   NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] ... }
    //   GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
    //   GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }
    //   GeneralName ::= CHOICE { ..., dNSName [2] IA5String, ... }
    private static readonly Asn1Tag Permitted = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag DnsName = new(TagClass.ContextSpecific, 2);

    /// <summary>
    /// A critical extension (§4.2.1.10: "Conforming CAs MUST mark this extension as critical") permitting only
    /// <paramref name="dnsNames"/> and names below them. No iPAddress subtree: the box's addresses change, and
    /// with no subtree of that type IP SANs are not constrained (§4.2.1.10, "restrictions apply only when the
    /// specified name form is present").
    /// </summary>
    public static X509Extension Create(IReadOnlyCollection<string> dnsNames)
    {
        if (dnsNames.Count == 0)
        {
            // SIZE (1..MAX): an empty permitted list would not be DER this parser accepts.
            throw new ArgumentException("At least one permitted name is needed.", nameof(dnsNames));
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(Permitted))
            {
                foreach (var name in dnsNames)
                {
                    // minimum is DEFAULT 0 and so absent in DER (X.690 §11.5); maximum MUST be absent (§4.2.1.10).
                    using (writer.PushSequence())
                    {
                        writer.WriteCharacterString(UniversalTagNumber.IA5String, name, DnsName);
                    }
                }
            }
        }
        return new X509Extension(Oid, writer.Encode(), critical: true);
    }

    /// <summary>The permitted dNSName subtrees of <paramref name="certificate"/>, or null without the extension.</summary>
    public static IReadOnlyList<string>? ReadPermittedDnsNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[Oid];
        if (extension is null)
        {
            return null;
        }

        var names = new List<string>();
        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
        var constraints = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        if (constraints.HasData && constraints.PeekTag().HasSameClassAndValue(Permitted))
        {
            var subtrees = constraints.ReadSequence(Permitted);
            while (subtrees.HasData)
            {
                var subtree = subtrees.ReadSequence();
                if (subtree.PeekTag().HasSameClassAndValue(DnsName))
                {
                    names.Add(subtree.ReadCharacterString(UniversalTagNumber.IA5String, DnsName));
                }
            }
        }
        return names;
    }

    /// <summary>RFC 5280 §4.2.1.10: a name matches a dNSName subtree if it is the subtree or ends in "." + it.</summary>
    public static bool Permits(IReadOnlyList<string> permitted, string dnsName) =>
        permitted.Any(p => string.Equals(dnsName, p, StringComparison.OrdinalIgnoreCase)
            || dnsName.EndsWith("." + p, StringComparison.OrdinalIgnoreCase));
}
