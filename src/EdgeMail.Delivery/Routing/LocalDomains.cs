namespace EdgeMail.Delivery.Routing;

/// <summary>The domains delivered locally (the host's "Domains" setting).</summary>
public sealed class LocalDomains(IEnumerable<string> domains)
{
    private readonly HashSet<string> _domains = new(domains.Select(d => d.Trim().TrimEnd('.')), StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> All => _domains;

    public bool Contains(string domain) => _domains.Contains(domain.TrimEnd('.'));

    /// <summary>The domain of an address, after its last '@'.</summary>
    public static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];
}
