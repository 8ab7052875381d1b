// peer.dns-failure: the source shares a user-defined network with the target, yet its own
// resolver does not answer the name with an address.
#include "check_case.hpp"
#include "docknetdoctor/model/peer.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "Compose service pgsql runs as container db, but no network alias pgsql was set."
TEST(PeerDnsFailure, FiresForAServiceNameTheNetworkDoesNotKnow) {
    auto r = checks::peer_dns_failure().run(FactsBuilder().to("pgsql:5432").target_label(kComposeServiceLabel, "pgsql").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "peer.dns-failure", tcp(5432), Severity::critical,
                            "pgsql does not resolve inside web, although both are on appnet"));
    EXPECT_THAT(f.evidence,
                ElementsAre("resolv.conf of web: nameserver 127.0.0.11",
                            "nameserver 127.0.0.11 (the source's resolv.conf) answered NXDOMAIN with no address for pgsql",
                            "pgsql matched db by compose service name", "aliases of db on appnet: []",
                            "probe inside web to 172.18.0.3:5432/tcp (address from target container address (the name did "
                            "not resolve)): open in 0.2 ms (connected)"));
    EXPECT_THAT(f.fix, ElementsAre("use a name the network knows: db (container name) or one of its aliases",
                                   "add the alias: docker network disconnect appnet db; docker network connect --alias pgsql appnet db",
                                   "check the resolver: docker exec web nslookup pgsql"));
}

// "web and db share appnet, but 127.0.0.11 does not answer at all."
TEST(PeerDnsFailure, FiresWhenTheEmbeddedDnsDoesNotAnswer) {
    auto r = checks::peer_dns_failure().run(
        FactsBuilder().to("db:5432").unavailable(Fact::peer_dns, "no answer from 127.0.0.11 within 1000 ms").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "db does not resolve inside web, although both are on appnet");
    EXPECT_THAT(f.evidence, Contains("DNS query for db inside the source: no answer from 127.0.0.11 within 1000 ms"));
}

// "db resolves to 172.18.0.3": the healthy pair, decided from a real answer.
TEST(PeerDnsFailure, QuietWhenTheNameResolves) {
    EXPECT_TRUE(quiet(checks::peer_dns_failure().run(FactsBuilder().to("db:5432").build())));
}

// "pgsql is a network alias of db": the embedded DNS knows it.
TEST(PeerDnsFailure, QuietForANetworkAlias) {
    EXPECT_TRUE(quiet(checks::peer_dns_failure().run(FactsBuilder().to("pgsql:5432").target_alias("pgsql").build())));
}

// "db exited": the engine drops its names; container.not-running on the target says so.
TEST(PeerDnsFailure, QuietWhenTheTargetIsStopped) {
    EXPECT_TRUE(quiet(checks::peer_dns_failure().run(FactsBuilder().to("db:5432").target_state("exited").build())));
}

// "web itself exited, so its resolver could not be asked."
TEST(PeerDnsFailure, UndecidedWhenTheResolverWasNotAsked) {
    auto r = checks::peer_dns_failure().run(FactsBuilder().to("db:5432").state("exited").build());
    EXPECT_TRUE(undecided_only(r, {"needs the DNS answer (dns: not asked: the source container is not running)"}));
}

}  // namespace
}  // namespace dnd
