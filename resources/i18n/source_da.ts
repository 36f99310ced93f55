<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>DataSourcePage</name>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="88"/>
        <source>None</source>
        <translation>Ingen</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="89"/>
        <source>Folder</source>
        <translation>Mappe</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="90"/>
        <source>SQL database</source>
        <translation>SQL-database</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="96"/>
        <source>The folder the CRM&apos;s export is written to</source>
        <translation>Mappen, som CRM-systemets eksport skrives til</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="97"/>
        <source>&amp;Browse…</source>
        <translation>G&amp;ennemse…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="112"/>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="341"/>
        <source>none</source>
        <translation>ingen</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="118"/>
        <source>none (e.g. done)</source>
        <translation>ingen (f.eks. done)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="123"/>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="128"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="132"/>
        <source>&amp;Kind:</source>
        <translation>T&amp;ype:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="133"/>
        <source>F&amp;older:</source>
        <translation>&amp;Mappe:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="134"/>
        <source>Database U&amp;RL:</source>
        <translation>Database-&amp;URL:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="135"/>
        <source>Pass&amp;word:</source>
        <translation>Adgangskod&amp;e:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="136"/>
        <source>&amp;Mapping:</source>
        <translation>Map&amp;ning:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="137"/>
        <source>Marker &amp;file:</source>
        <translation>Markør&amp;fil:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="138"/>
        <source>S&amp;ettle time:</source>
        <translation>&amp;Ventetid:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="139"/>
        <source>&amp;Query time-out:</source>
        <translation>Tidsgrænse for forespørgs&amp;ler:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="163"/>
        <source>&amp;Save</source>
        <translation>&amp;Gem</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="166"/>
        <source>Undo chan&amp;ges</source>
        <translation>Fortryd &amp;ændringer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="169"/>
        <source>&amp;Import now</source>
        <translation>&amp;Importér nu</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="183"/>
        <source>Data source for the nightly run</source>
        <translation>Datakilde for den natlige beregning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="212"/>
        <source>Recent imports</source>
        <translation>Seneste importer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="213"/>
        <source>&amp;Latest imports</source>
        <translation>Seneste imp&amp;orter</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="299"/>
        <source>Could not read the data source: %1</source>
        <translation>Datakilden kunne ikke læses: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="328"/>
        <source>No imports yet.</source>
        <translation>Ingen importer endnu.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="332"/>
        <source>%n import(s)</source>
        <translation>
            <numerusform>%n import</numerusform>
            <numerusform>%n importer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="333"/>
        <source>, %n failed</source>
        <translation>
            <numerusform>, %n fejlet</numerusform>
            <numerusform>, %n fejlet</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="339"/>
        <source>stored (not shown); type a new one to replace it</source>
        <translation>gemt (vises ikke); skriv en ny for at erstatte den</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="340"/>
        <source>from the environment (KPIDESK_SOURCE_PASSWORD)</source>
        <translation>fra miljøet (KPIDESK_SOURCE_PASSWORD)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="350"/>
        <source>kpidesk&apos;s own five files</source>
        <translation>kpidesks egne fem filer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="351"/>
        <source>Preset: %1</source>
        <translation>Forudindstilling: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="356"/>
        <source>File…</source>
        <translation>Fil…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="381"/>
        <source>No data source: the nightly run calculates on the CRM data imported by hand.</source>
        <translation>Ingen datakilde: den natlige beregning bruger de CRM-data, der er importeret i hånden.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="384"/>
        <source>Every night the newest complete export is imported first: CSV files written since the last import, none changing during the settle time, and the marker file there if one is named (the CRM writes it last).</source>
        <translation>Hver nat importeres den nyeste komplette eksport først: CSV-filer skrevet siden sidste import, ingen der ændrer sig i ventetiden, og markørfilen, hvis en er angivet (CRM-systemet skriver den til sidst).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="389"/>
        <source>Every night the CRM&apos;s database is read first (read-only, one SELECT per kind of record from the mapping). The password is never shown again once saved.</source>
        <translation>Hver nat læses CRM-systemets database først (skrivebeskyttet, én SELECT pr. slags post fra mapningen). Adgangskoden vises aldrig igen, når den er gemt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="405"/>
        <source>Choose a mapping file</source>
        <translation>Vælg en mapningsfil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="405"/>
        <source>Mapping files (*.toml)</source>
        <translation>Mapningsfiler (*.toml)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="421"/>
        <source>Choose the export folder</source>
        <translation>Vælg eksportmappen</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="445"/>
        <source>Folder: required (where the CRM writes its export).</source>
        <translation>Mappe: skal udfyldes (hvor CRM-systemet skriver sin eksport).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="448"/>
        <source>Marker file: a file name in the folder, not a path (e.g. done).</source>
        <translation>Markørfil: et filnavn i mappen, ikke en sti (f.eks. done).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="451"/>
        <source>Database URL: required.</source>
        <translation>Database-URL: skal udfyldes.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="454"/>
        <source>Mapping: required (a preset or a mapping file with a query per table).</source>
        <translation>Mapning: skal udfyldes (en forudindstilling eller en mapningsfil med en forespørgsel pr. tabel).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="463"/>
        <source>Saved.</source>
        <translation>Gemt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="467"/>
        <source>Not saved:</source>
        <translation>Ikke gemt:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="479"/>
        <source>Importing from the data source…</source>
        <translation>Importerer fra datakilden…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="481"/>
        <source>Waiting for a complete export…</source>
        <translation>Venter på en komplet eksport…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="500"/>
        <source>Checking…</source>
        <translation>Kontrollerer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="500"/>
        <source>Writing…</source>
        <translation>Skriver…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="508"/>
        <source>Imported: %1</source>
        <translation>Importeret: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="510"/>
        <source>Nothing new to import: %1</source>
        <translation>Intet nyt at importere: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="512"/>
        <source>No data source is set up: choose a kind and save first.</source>
        <translation>Der er ingen datakilde: vælg en type og gem først.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="515"/>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="522"/>
        <source>The import failed; nothing was changed:</source>
        <translation>Importen fejlede; intet blev ændret:</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="536"/>
        <source>… and %n more</source>
        <translation>
            <numerusform>… og %n mere</numerusform>
            <numerusform>… og %n mere</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="555"/>
        <source>Save the changes first</source>
        <translation>Gem ændringerne først</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_page.py" line="556"/>
        <source>No data source is set up</source>
        <translation>Der er ingen datakilde</translation>
    </message>
</context>
<context>
    <name>ImportsModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_form.py" line="116"/>
        <source>Time</source>
        <translation>Tidspunkt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_form.py" line="118"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_form.py" line="120"/>
        <source>Rows per file</source>
        <translation>Rækker pr. fil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_form.py" line="123"/>
        <source>Error</source>
        <translation>Fejl</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_form.py" line="128"/>
        <source>Imported</source>
        <translation>Importeret</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/datasource_form.py" line="128"/>
        <source>Failed</source>
        <translation>Fejlet</translation>
    </message>
</context>
</TS>
