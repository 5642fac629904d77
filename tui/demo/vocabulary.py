"""The words the demo is made of: company and person names, vendors, devices, user agents.

Plain data, kept apart from the generator so the generator reads as behaviour. Every name is
invented; every address uses a reserved domain (``example.com`` for the MSP's own staff,
``<tenant>.example.net`` for customer contacts) and every IP address lies in a documentation
range (RFC 5737 / RFC 3849) or in private space, so nothing in a demo points at a real party.
"""

from __future__ import annotations

#: The MSP's customers. The first one is the tenant of the acceptance scenario.
COMPANIES: tuple[str, ...] = (
    "Harbor Point Logistics",
    "Bluestone Dental Group",
    "Meridian Legal LLP",
    "Cedar Ridge Veterinary",
    "Northgate Manufacturing",
    "Alder & Finch Architects",
    "Summit Peak Realty",
    "Riverbend Credit Union",
    "Lakeside Family Clinic",
    "Ironwood Construction",
    "Copperleaf Accounting",
    "Silverline Freight",
    "Oakhurst Academy",
    "Pinecrest Senior Living",
    "Brightwater Hotels",
    "Westfield Auto Parts",
    "Granite Mutual Insurance",
    "Maple Street Bakeries",
    "Clearview Optometry",
    "Redwood Engineering",
    "Starling Marketing",
    "Beacon Hill Pharmacy",
    "Fairhaven Property Management",
    "Kestrel Aviation Services",
    "Evergreen Community Trust",
    "Sterling Wealth Partners",
    "Tidewater Marine Supply",
    "Highland Brewing Company",
    "Cobalt Data Labs",
    "Willow Creek School District",
)

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Aiden", "Amara", "Andrei", "Beatriz", "Benjamin", "Chen", "Chloe", "Daniel",
    "Dmitri", "Elena", "Emeka", "Fatima", "Felix", "Grace", "Hannah", "Hiro", "Ibrahim", "Ines",
    "Isabel", "Jamal", "Jonas", "Julia", "Kai", "Karin", "Lars", "Leila", "Liam", "Lucia",
    "Malik", "Marco", "Maria", "Mateo", "Mei", "Nadia", "Noah", "Olga", "Omar", "Oscar", "Priya",
    "Rafael", "Rania", "Rosa", "Samir", "Sara", "Sean", "Sofia", "Tariq", "Thomas", "Tomasz",
    "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zara", "Zoe", "Nikolai", "Ana", "Kofi",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Abbott", "Adeyemi", "Alvarez", "Andersen", "Bauer", "Becker", "Brennan", "Castillo",
    "Chowdhury", "Dubois", "Eriksson", "Fernandes", "Fischer", "Garcia", "Gonzalez", "Haddad",
    "Hansen", "Ibrahim", "Jansen", "Kaur", "Kim", "Kowalski", "Larsen", "Lindqvist", "Lopez",
    "Mbeki", "Moreau", "Murphy", "Nakamura", "Novak", "Nowak", "Okafor", "Olsen", "Patel",
    "Petrov", "Quinn", "Rahman", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Sousa",
    "Svensson", "Tanaka", "Torres", "Van Dijk", "Vasquez", "Wagner", "Walsh", "Weber", "Wong",
    "Yilmaz", "Zhang", "O'Brien", "Horvath", "Kovacs", "Mensah", "Ito", "Reyes",
)  # fmt: skip

JOB_TITLES: tuple[str, ...] = (
    "Service Desk Engineer",
    "Security Analyst",
    "SOC Team Lead",
    "Systems Engineer",
    "Account Manager",
    "Network Engineer",
    "Cloud Engineer",
    "Technical Consultant",
    "Operations Manager",
    "Customer Success Manager",
)

BROWSERS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
)

API_CLIENTS: tuple[str, ...] = (
    "Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-mspportal/2.4.1",
    "python-requests/2.32.3",
    "PowerShell/7.4.6 MspPortal.Module/1.8.0",
    "curl/8.9.1",
)

SCHEDULER_AGENT = "mspportal-scheduler/4.12.0"
SCHEDULER_IP = "10.40.2.17"

#: The MSP's office egress addresses (shared by everyone in the office, as NAT does).
OFFICE_IPS: tuple[str, ...] = ("203.0.113.10", "203.0.113.11", "198.51.100.24")
#: Automation runners (API sessions).
CI_RUNNER_IPS: tuple[str, ...] = ("203.0.113.77", "203.0.113.78")

LOGIN_METHODS: tuple[tuple[str, dict[str, str]], ...] = (
    ("single sign-on (Microsoft Entra ID)", {"method": "sso", "provider": "Microsoft Entra ID"}),
    ("single sign-on (Okta)", {"method": "sso", "provider": "Okta"}),
    ("password and authenticator app", {"method": "password", "mfa": "totp"}),
    ("password and security key", {"method": "password", "mfa": "webauthn"}),
)

INTEGRATION_VENDORS: tuple[str, ...] = (
    "Microsoft 365",
    "Microsoft Entra ID",
    "Google Workspace",
    "CrowdStrike Falcon",
    "SentinelOne Singularity",
    "Sophos Central",
    "Okta Workforce Identity",
    "AWS CloudTrail",
    "Cisco Meraki",
    "Palo Alto Networks Cortex",
    "Duo Security",
    "Mimecast Email Security",
    "Proofpoint TAP",
    "Bitdefender GravityZone",
)

#: Integrations the MSP runs portal-wide rather than per customer.
PORTAL_INTEGRATIONS: tuple[str, ...] = (
    "ConnectWise PSA",
    "Autotask PSA",
    "Slack",
    "Microsoft Teams",
    "PagerDuty",
    "ServiceNow",
)

INTEGRATION_DELETE_FAILURES: tuple[tuple[str, str], ...] = (
    ("INTEGRATION_IN_USE", "the integration is still used by an active response playbook"),
    ("VENDOR_UNAVAILABLE", "the vendor API answered 503 Service Unavailable while revoking access"),
    ("TIMEOUT", "the connector did not stop within 30 seconds"),
    ("TOKEN_EXPIRED", "the stored OAuth token had expired; re-authorise before deleting"),
)

CUSTOM_SOURCES: tuple[str, ...] = (
    "FortiGate syslog",
    "pfSense filterlog",
    "Ubiquiti UniFi controller",
    "Synology DSM events",
    "Veeam Backup alerts",
    "HP printer audit trail",
    "Barracuda WAF",
    "WatchGuard Firebox",
)

COLLECTOR_ROLES: tuple[str, ...] = ("DC", "FS", "APP", "SQL", "EXCH", "RDS", "WEB", "PRINT")

LABELS: tuple[str, ...] = (
    "VIP",
    "Crown jewels",
    "PCI scope",
    "Executive",
    "Needs triage",
    "Known false positive",
    "Change window",
    "Legacy system",
    "Internet facing",
    "Contractor device",
    "HIPAA",
    "Board members",
)

LABEL_COLOURS: tuple[str, ...] = (
    "#e11d48", "#f59e0b", "#10b981", "#3b82f6", "#8b5cf6", "#64748b", "#ec4899", "#14b8a6",
)  # fmt: skip

ROAMING_GROUPS: tuple[str, ...] = (
    "Sales laptops",
    "Remote staff",
    "Field engineers",
    "Executives",
    "Loaner pool",
    "Contractors",
)

REPORT_SCHEDULES: tuple[str, ...] = (
    "Weekly executive summary",
    "Monthly compliance overview",
    "Daily incident digest",
    "Quarterly risk review",
)

INCIDENT_TITLES: tuple[str, ...] = (
    "Sign-in from an unfamiliar country",
    "Impossible travel between two sign-ins",
    "Mailbox forwarding rule to an external address",
    "Ransomware behaviour blocked on endpoint",
    "Brute-force attempts against VPN",
    "Suspicious PowerShell download cradle",
    "Admin account added to Domain Admins",
    "Malicious attachment delivered",
    "Multiple MFA push denials",
    "Outbound traffic to known C2 domain",
    "Disabled endpoint protection",
    "New OAuth application with mail access",
)

CONTACT_MAILBOXES: tuple[str, ...] = ("it", "security", "ops", "finance", "ceo", "helpdesk")

TIMEZONES: tuple[str, ...] = (
    "Europe/London",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
)

INDUSTRIES: tuple[str, ...] = (
    "Logistics",
    "Healthcare",
    "Legal",
    "Manufacturing",
    "Financial services",
    "Education",
    "Hospitality",
    "Retail",
    "Construction",
    "Non-profit",
)

DELETE_COMMENTS: tuple[str, ...] = (
    "server decommissioned",
    "replaced by a new deployment",
    "duplicate entry",
    "customer request",
    "migrated to the cloud",
)
