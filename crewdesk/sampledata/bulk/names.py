"""The names a generated client is drawn from: people of many cultures (with their accents,
and the nicknames an office might type instead), and company names."""

import unicodedata
from dataclasses import dataclass
from itertools import accumulate

# --- people ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Culture:
    """First and last names of one culture, and how common they are among clients (weight)."""

    name: str
    weight: float
    first: tuple[str, ...]
    last: tuple[str, ...]
    language: str = "en"  # the client's language when it is one Crewdesk speaks


def name_list(text: str) -> tuple[str, ...]:
    """ "Ann, Bo," -> ("Ann", "Bo"): long lists written as comma-separated text."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


CULTURES = [
    Culture(
        "english",
        40,
        name_list(
            "James, Mary, John, Patricia, Robert, Jennifer, Michael, Linda, William, Elizabeth,"
            "David, Barbara, Richard, Susan, Joseph, Jessica, Thomas, Sarah, Christopher, Karen,"
            "Charles, Lisa, Daniel, Nancy, Matthew, Betty, Anthony, Sandra, Mark, Margaret,"
            "Donald, Ashley, Steven, Kimberly, Paul, Emily, Andrew, Donna, Joshua, Michelle,"
            "Kenneth, Carol, Kevin, Amanda, Brian, Melissa, George, Deborah, Timothy, Stephanie,"
            "Ronald, Rebecca, Jason, Laura, Edward, Helen, Jeffrey, Sharon, Ryan, Cynthia, Jacob,"
            "Kathleen, Gary, Amy, Nicholas, Shirley, Eric, Angela, Jonathan, Anna, Stephen, Ruth,"
            "Larry, Brenda, Justin, Pamela, Scott, Nicole, Brandon, Katherine, Benjamin, Samantha,"
            "Zoë, Chloe, Olivia, Liam, Noah, Emma, Ava, Sophia, Mia, Harper, Evelyn, Abigail,"
            "Ella, Madison, Grace, Hannah, Aidan, Owen, Caleb, Logan, Dylan, Siobhan, Seamus,"
            "Niamh, Declan, Bridget, Connor, Fiona, Rhys, Megan, Gareth"
        ),
        name_list(
            "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor,"
            "Thomas, Moore, Jackson, Martin, Lee, Thompson, White, Harris, Clark, Lewis,"
            "Robinson, Walker, Young, Allen, King, Wright, Scott, Hill, Green, Adams, Baker,"
            "Nelson, Carter, Mitchell, Roberts, Turner, Phillips, Campbell, Parker, Evans,"
            "Edwards, Collins, Stewart, Morris, Murphy, Cook, Rogers, Morgan, Cooper, Peterson,"
            "Bailey, Reed, Kelly, Howard, Cox, Ward, Richardson, Watson, Brooks, Wood, James,"
            "Bennett, Gray, Hughes, Price, Sanders, Myers, Long, Ross, Foster, O'Brien,"
            "O'Connor, McCarthy, MacDonald, Sullivan, Fitzgerald, Brennan, Doyle, Gallagher,"
            "Kowalczyk-Hart, Whitaker, Holloway, Pritchard, Llewellyn, Vaughan, Ashworth"
        ),
    ),
    Culture(
        "spanish",
        17,
        name_list(
            "José, María, Juan, Guadalupe, Luis, Carmen, Carlos, Ana, Jorge, Rosa, Miguel,"
            "Sofía, Jesús, Lucía, Alejandro, Valentina, Francisco, Camila, Antonio, Isabel,"
            "Manuel, Elena, Pedro, Teresa, Ricardo, Gabriela, Fernando, Daniela, Javier, Mariana,"
            "Raúl, Verónica, Andrés, Adriana, Diego, Patricia, Eduardo, Alejandra, Héctor,"
            "Claudia, Sergio, Natalia, Óscar, Beatriz, Ramón, Ximena, Rubén, Paola, Iván, Inés,"
            "María José, Juan Carlos, José Luis, Ana Sofía"
        ),
        name_list(
            "García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, Ramírez,"
            "Torres, Flores, Rivera, Gómez, Díaz, Reyes, Morales, Cruz, Ortiz, Gutiérrez, Chávez,"
            "Ramos, Ruiz, Álvarez, Mendoza, Vásquez, Castillo, Jiménez, Moreno, Romero, Herrera,"
            "Medina, Aguilar, Vargas, Guzmán, Muñoz, Núñez, Castro, Ortega, Delgado, Peña,"
            "Salazar, Fuentes, Espinoza, Ibáñez, Domínguez, Cervantes, Rosales, Villanueva,"
            "De la Cruz, Del Valle, García López, Zúñiga, Quiñones, Echeverría"
        ),
        language="es",
    ),
    Culture(
        "chinese",
        4,
        name_list(
            "Wei, Fang, Min, Jing, Li, Na, Lei, Yan, Jun, Tao, Hui, Xin, Ying, Hao, Yu, Jie,"
            "Qiang, Ming, Xiaoming, Xiaoling, Jian, Lin, Mei, Hong, Ping, Bo, Yong, Zhen, Qing,"
            "Yifan, Zihan, Haoran, Yuxuan, Ruoxi, Shu, Kai, Lan, Ka-Wai, Siu-Ming, Wing"
        ),
        name_list(
            "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo,"
            "He, Lin, Gao, Luo, Zheng, Liang, Xie, Song, Tang, Deng, Feng, Han, Cao, Zeng, Peng,"
            "Xiao, Cai, Pan, Tian, Dong, Yuan, Jiang, Wong, Chan, Leung, Cheung, Lau, Ng, Ho,"
            "Chow, Tsai, Hsu, Chang, Ouyang"
        ),
    ),
    Culture(
        "indian",
        4,
        name_list(
            "Aarav, Priya, Rahul, Ananya, Rohan, Divya, Arjun, Sneha, Vikram, Pooja, Amit, Neha,"
            "Sanjay, Kavya, Rajesh, Lakshmi, Suresh, Deepa, Anil, Meera, Ravi, Shreya, Karthik,"
            "Aishwarya, Nikhil, Swati, Vijay, Sunita, Aditya, Ishaan, Harpreet, Gurpreet, Manish,"
            "Sunil, Asha, Nisha, Venkatesh, Srinivas, Arun, Radhika"
        ),
        name_list(
            "Patel, Sharma, Singh, Kumar, Gupta, Shah, Reddy, Rao, Iyer, Nair, Mehta, Joshi,"
            "Desai, Agarwal, Chopra, Malhotra, Kapoor, Bhat, Menon, Pillai, Verma, Mishra,"
            "Chatterjee, Banerjee, Mukherjee, Das, Bose, Krishnan, Subramanian, Venkataraman,"
            "Naidu, Chaudhary, Sethi, Trivedi, Pandey, Dubey, Gill, Sandhu, Dhillon, Grewal"
        ),
    ),
    Culture(
        "vietnamese",
        3,
        name_list(
            "Anh, Bảo, Châu, Dũng, Đức, Hải, Hạnh, Hiếu, Hoa, Hùng, Hương, Khánh, Lan, Linh, Long,"
            "Mai, Minh, Nam, Ngọc, Nhung, Phương, Quân, Quang, Thanh, Thảo, Thu, Trang, Trung,"
            "Tuấn, Tuyết, Vân, Vinh, Vy, Xuân, Thúy, Tâm"
        ),
        name_list(
            "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý,"
            "Nguyen, Tran, Le, Pham, Hoang, Huynh, Vu, Vo, Dang, Bui, Do, Ngo, Duong, Truong,"
            "Trương, Đinh, Lam, Mai"
        ),
    ),
    Culture(
        "filipino",
        3,
        name_list(
            "Jose, Maria, Juan, Mark, John Paul, Jerome, Christian, Angelica, Kristine, Mary Grace,"
            "Maricel, Rowena, Jocelyn, Rodel, Arnel, Romeo, Jun, Bong, Edwin, Rommel, Leah, Cherry,"
            "Joy, Lovely, Rhea, Aileen, Analyn, Jericho, Marvin, Ronaldo"
        ),
        name_list(
            "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, Tomas, Andrada,"
            "Castillo, Flores, Villanueva, Ramos, Castro, Rivera, Aquino, Navarro, Salazar,"
            "Mercado, Dela Cruz, Delos Santos, Manalo, Pascual, Gonzales, Lopez, Dizon, Soriano,"
            "Macaraeg, Tolentino, Magsaysay, Dimaculangan"
        ),
    ),
    Culture(
        "korean",
        2,
        name_list(
            "Min-jun, Seo-yeon, Ji-ho, Ha-eun, Jae-won, Ji-woo, Hyun-woo, Soo-ah, Dong-hyun,"
            "Ye-jin, Sung-min, Eun-ji, Jin, Hye-jin, Young-ho, Min-seo, Jun-seo, Su-bin,"
            "Tae-yang, Da-eun, Kyung-soo, Mi-young, Sang-woo, Ji-hoon, Grace, Daniel"
        ),
        name_list(
            "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin, Kwon,"
            "Hwang, Ahn, Song, Yoo, Hong, Jeon, Ko, Moon, Yang, Son, Bae, Baek, Heo, Nam"
        ),
    ),
    Culture(
        "japanese",
        1.5,
        name_list(
            "Haruto, Yuto, Sota, Yuki, Hiroshi, Takashi, Kenji, Satoshi, Daisuke, Kazuki, Ren,"
            "Sakura, Yui, Aoi, Hina, Yuna, Akiko, Keiko, Yoko, Tomoko, Naomi, Emi, Mai, Rin,"
            "Haruka, Kenta, Shota, Takumi, Kōji, Yūko"
        ),
        name_list(
            "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato,"
            "Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu,"
            "Yamazaki, Mori, Abe, Ikeda, Hashimoto, Ishikawa, Ogawa, Okada, Fujita, Goto, Saito,"
            "Satō, Itō"
        ),
    ),
    Culture(
        "arabic",
        2,
        name_list(
            "Mohammed, Muhammad, Ahmed, Ali, Omar, Youssef, Khalid, Hassan, Hussein, Ibrahim,"
            "Mustafa, Tariq, Karim, Samir, Nasser, Fatima, Aisha, Layla, Mariam, Noor, Zainab,"
            "Amira, Yasmin, Huda, Rania, Salma, Leila, Hana, Dina, Sara"
        ),
        name_list(
            "Al-Sayed, Haddad, Khoury, Nasser, Hamdan, Aziz, Rahman, Saleh, Mansour, Farouk,"
            "Abdullah, Qureshi, El-Amin, Hakim, Suleiman, Bakr, Darwish, Jaber, Karam, Mahmoud,"
            "Najjar, Obeid, Sabbagh, Yousef, Zayed, Ibrahim, Hussein, Al-Masri, Bitar, Shaheen"
        ),
    ),
    Culture(
        "nigerian",
        2,
        name_list(
            "Chinedu, Ngozi, Oluwaseun, Adebayo, Chiamaka, Emeka, Funmilayo, Ifeanyi, Kehinde,"
            "Taiwo, Obinna, Nkechi, Tunde, Yetunde, Babajide, Folake, Uchenna, Amaka, Segun,"
            "Bukola, Chidi, Ebere, Femi, Temitope, Olumide, Aisha, Musa, Abubakar, Zainab, Ibrahim"
        ),
        name_list(
            "Okafor, Adeyemi, Okonkwo, Eze, Nwosu, Balogun, Adebayo, Ogunleye, Okeke, Obi,"
            "Chukwu, Afolabi, Babatunde, Olawale, Oyelaran, Ibe, Nnamdi, Udeh, Onyekachi,"
            "Akinola, Bello, Danjuma, Garba, Lawal, Okoro, Uche, Anyanwu, Ezeh, Olatunji, Ogbonna"
        ),
    ),
    Culture(
        "polish",
        2,
        name_list(
            "Łukasz, Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Michał, Marcin, Jakub, Grzegorz,"
            "Wojciech, Mateusz, Agnieszka, Katarzyna, Małgorzata, Anna, Joanna, Magdalena, Monika,"
            "Ewa, Aleksandra, Zofia, Dorota, Barbara, Jolanta, Bożena, Elżbieta, Kamil, Szymon,"
            "Mariusz"
        ),
        name_list(
            "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński,"
            "Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski, Krawczyk,"
            "Piotrowski, Grabowski, Nowakowski, Pawłowski, Michalski, Król, Wieczorek, Jabłoński,"
            "Wróbel, Majewski, Olszewski, Stępień, Jaworski, Malinowski, Łuczak, Żak"
        ),
    ),
    Culture(
        "german",
        2.5,
        name_list(
            "Lukas, Jonas, Leon, Felix, Maximilian, Paul, Elias, Jürgen, Klaus, Stefan, Wolfgang,"
            "Dieter, Uwe, Matthias, Tobias, Anna, Lena, Lea, Hannah, Sophie, Marie, Katharina,"
            "Julia, Sabine, Ursula, Monika, Petra, Birgit, Jörg, Günter, Björn, Sören, Käthe"
        ),
        name_list(
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann,"
            "Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann,"
            "Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Krause, Meier, Lehmann,"
            "Weiß, Groß, Köhler, Vogel, von Brandt"
        ),
    ),
    Culture(
        "french",
        2.5,
        name_list(
            "Jean, Pierre, Michel, André, Philippe, René, Louis, Alain, Jacques, Bernard, François,"
            "Élodie, Amélie, Hélène, Cécile, Chloé, Léa, Manon, Camille, Inès, Mathilde, Margaux,"
            "Noémie, Céline, Sébastien, Jérôme, Stéphane, Frédéric, Benoît, Gaëlle, Anaïs, Théo,"
            "Hugo, Émile, Jean-Luc, Marie-Claude"
        ),
        name_list(
            "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau,"
            "Simon, Laurent, Lefèvre, Michel, David, Bertrand, Roux, Vincent, Fournier, Morel,"
            "Girard, André, Lefebvre, Mercier, Dupont, Lambert, Bonnet, François, Lemaire, Côté,"
            "Gagnon, Tremblay, Bélanger, Lévesque, Gauthier, Bouchard, D'Amours, St-Pierre"
        ),
    ),
    Culture(
        "italian",
        3,
        name_list(
            "Giuseppe, Giovanni, Antonio, Mario, Luigi, Francesco, Alessandro, Lorenzo, Matteo,"
            "Marco, Salvatore, Vincenzo, Francesca, Chiara, Giulia, Sofia, Martina, Alessia,"
            "Giorgia, Valentina, Rosa, Angela, Carmela, Nicolò, Niccolò"
        ),
        name_list(
            "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco,"
            "Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti,"
            "Barbieri, Fontana, Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, D'Angelo,"
            "Di Stefano"
        ),
    ),
    Culture(
        "portuguese",
        2.5,
        name_list(
            "João, Thiago, Gabriel, Lucas, Pedro, Rafael, Felipe, Gustavo, Mateus, Leonardo,"
            "Ana, Júlia, Beatriz, Letícia, Luíza, Mariana, Larissa, Camila, Fernanda, Vitória,"
            "Conceição, Antônio, Sebastião, Raimundo"
        ),
        name_list(
            "Silva, Santos, Oliveira, Souza, Pereira, Costa, Rodrigues, Almeida, Nascimento,"
            "Lima, Araújo, Fernandes, Carvalho, Gomes, Gonçalves, Martins, Rocha, Ribeiro,"
            "Alves, Monteiro, Mendes, Barros, Freitas, Barbosa, Pinto, Moura, Cavalcanti,"
            "Dias, Castro, Campos"
        ),
    ),
    Culture(
        "russian",
        1.5,
        name_list(
            "Dmitri, Sergei, Alexei, Ivan, Nikolai, Andrei, Mikhail, Vladimir, Yuri, Pavel,"
            "Olga, Natalia, Anastasia, Tatiana, Yulia, Ekaterina, Svetlana, Irina, Elena, Oksana"
        ),
        name_list(
            "Ivanov, Smirnov, Kuznetsov, Popov, Volkov, Sokolov, Lebedev, Kozlov, Novikov,"
            "Morozov, Petrov, Pavlov, Fedorov, Orlov, Ivanova, Smirnova, Kuznetsova, Popova,"
            "Volkova, Sokolova, Shevchenko, Bondarenko, Kovalenko, Tkachenko"
        ),
    ),
    Culture(
        "turkish",
        0.7,
        name_list(
            "Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, Emre, Burak, Can, Ayşe, Fatma,"
            "Emine, Hatice, Zeynep, Elif, Özlem, Şule, Gül, Derya"
        ),
        name_list(
            "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir,"
            "Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek"
        ),
    ),
    Culture(
        "ethiopian",
        0.8,
        name_list(
            "Abebe, Bekele, Dawit, Getachew, Haile, Kebede, Mulugeta, Tesfaye, Yohannes, Meron,"
            "Selam, Hiwot, Tigist, Mekdes, Bethlehem, Liya, Rahel, Saba"
        ),
        name_list(
            "Tesfaye, Haile, Bekele, Gebremariam, Alemu, Tadesse, Wolde, Mengistu, Girma,"
            "Desta, Assefa, Kidane, Berhane, Negash, Abera"
        ),
    ),
]
CULTURE_CUM_WEIGHTS = list(accumulate(c.weight for c in CULTURES))

NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "Richard": "Rick",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "Michael": "Mike",
    "Christopher": "Chris",
    "Jennifer": "Jen",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Nicholas": "Nick",
    "Jonathan": "Jon",
    "Kimberly": "Kim",
    "Samantha": "Sam",
    "Benjamin": "Ben",
    "Rebecca": "Becky",
    "Alejandro": "Alex",
    "Francisco": "Paco",
    "Guadalupe": "Lupe",
    "José": "Pepe",
    "Aleksandra": "Ola",
    "Katarzyna": "Kasia",
    "Maximilian": "Max",
    "Giuseppe": "Joe",
    "Dmitri": "Dima",
}

# --- companies -------------------------------------------------------------------------------

COMPANY_WORDS = name_list(
    "Blue Ridge, Golden Gate, Silver Lake, Evergreen, Sunrise, Pinecrest, Harbor View,"
    "Lakeside, Summit, Riverside, Oak Hill, Maple Leaf, Coastal, Northstar, Redwood, Cedar Creek,"
    "Bright Horizon, Premier, Liberty, Heritage, Pacific, Atlantic, Prairie, Magnolia, Cypress,"
    "Willow Creek, Stonebridge, Ironwood, Bluebonnet, Palmetto, Desert Rose, Seaside, Hilltop,"
    "Crescent, Keystone, Pioneer, Meridian, Granite, Aspen, Sapphire, Emerald, Copper Canyon,"
    "Lone Star, Peachtree, Bay Area, Gulf Coast, Twin Oaks, Three Rivers, Whispering Pines"
)
INDUSTRIES = name_list(
    "Property Management, Realty, Vacation Rentals, Dental Care, Family Dentistry, Law Group,"
    "Bakery, Coffee Roasters, Fitness, Yoga Studio, Veterinary Clinic, Auto Repair, Hotel, Inn,"
    "Suites, Apartments, Homeowners Association, Community Church, Montessori School,"
    "Medical Group, Consulting, Architects, Builders, Salon & Spa, Brewing, Bistro, Pizzeria,"
    "Taqueria, Grill, Pediatrics, Physical Therapy, Insurance Agency, Accounting, Title Company,"
    "Storage, Self Storage, Cabins, Beach Rentals, Lofts, Townhomes, Senior Living"
)
COMPANY_SUFFIXES = [
    ("Inc.", 22),
    ("LLC", 30),
    ("Ltd.", 4),
    ("Co.", 5),
    ("Corp.", 4),
    ("Group", 4),
    ("PLLC", 2),
    ("LP", 1),
    ("", 28),
]
SUFFIX_NAMES = [s for s, _w in COMPANY_SUFFIXES]
SUFFIX_CUM_WEIGHTS = list(accumulate(w for _s, w in COMPANY_SUFFIXES))

# --- accents ---------------------------------------------------------------------------------

# Letters that do not decompose into a letter and an accent.
_ASCII_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "œ": "oe"}
    | {"ı": "i", "ß": "ss"}
)


def ascii_name(text: str) -> str:
    """ "José Núñez" -> "Jose Nunez", "Łukasz" -> "Lukasz": how names lose their accents when
    typed on an English keyboard."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
