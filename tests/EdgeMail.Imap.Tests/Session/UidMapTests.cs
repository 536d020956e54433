using EdgeMail.Imap.Session;

namespace EdgeMail.Imap.Tests.Session;

public sealed class UidMapTests
{
    [Fact]
    public void Random_appends_and_expunges_agree_with_a_plain_sorted_list()
    {
        var random = new Random(1234);
        var map = new UidMap();
        var model = new List<uint>();
        uint next = 1;
        for (var step = 0; step < 20_000; step++)
        {
            if (model.Count == 0 || random.Next(3) != 0)
            {
                next += random.Next(10) == 0 ? (uint)random.Next(2, 50) : 1;
                map.Add(next);
                model.Add(next);
            }
            else
            {
                var index = random.Next(model.Count);
                map.RemoveAt(index);
                model.RemoveAt(index);
            }

            if (step % 500 == 0)
            {
                Assert.Equal(model, map.Enumerate());
                for (var i = 0; i < model.Count; i += 37)
                {
                    Assert.Equal(model[i], map[i]);
                    Assert.Equal(i, map.BinarySearch(model[i]));
                }

                for (var probe = 0u; probe < next + 2; probe += 13)
                {
                    Assert.Equal(model.BinarySearch(probe) < 0, map.BinarySearch(probe) < 0);
                    if (model.BinarySearch(probe) < 0)
                    {
                        Assert.Equal(model.BinarySearch(probe), map.BinarySearch(probe));
                    }
                }
            }

            Assert.Equal(model.Count, map.Count);
            Assert.Equal(model.Count == 0 ? 0u : model[^1], map.MaxUid);
        }
    }

    [Fact]
    public void A_mailbox_of_consecutive_uids_is_one_run_whatever_its_size()
    {
        var map = new UidMap(Enumerable.Range(1, 100_000).Select(i => (uint)i));
        Assert.Equal(1, map.RunCount);
        Assert.Equal(100_000u, map[99_999]);
        map.RemoveAt(50_000);
        Assert.Equal(2, map.RunCount);
        Assert.Equal(50_002u, map[50_000]);
    }
}
